import { PageHeader } from "../components";
import type { PageProps } from ".";

export function McpPage(_props: PageProps) {
  return <PageHeader title="MCP" subtitle="Not built yet." />;
}
