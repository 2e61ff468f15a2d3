import { PageHeader } from "../components";
import type { PageProps } from ".";

export function LogsPage(_props: PageProps) {
  return <PageHeader title="Logs" subtitle="Not built yet." />;
}
