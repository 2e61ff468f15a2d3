import { PageHeader } from "../components";
import type { PageProps } from ".";

export function PluginsPage(_props: PageProps) {
  return <PageHeader title="Plugins" subtitle="Not built yet." />;
}
