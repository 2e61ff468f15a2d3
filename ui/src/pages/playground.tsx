import { PageHeader } from "../components";
import type { PageProps } from ".";

export function PlaygroundPage(_props: PageProps) {
  return <PageHeader title="Playground" subtitle="Not built yet." />;
}
