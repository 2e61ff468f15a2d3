import { PageHeader } from "../components";
import type { PageProps } from ".";

export function MetricsPage(_props: PageProps) {
  return <PageHeader title="Metrics" subtitle="Not built yet." />;
}
