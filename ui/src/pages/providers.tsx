import { PageHeader } from "../components";
import type { PageProps } from ".";

export function ProvidersPage(_props: PageProps) {
  return <PageHeader title="Providers" subtitle="Not built yet." />;
}
