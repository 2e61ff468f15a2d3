import { PageHeader } from "../components";
import type { PageProps } from ".";

export function GovernancePage(_props: PageProps) {
  return <PageHeader title="Governance" subtitle="Not built yet." />;
}
