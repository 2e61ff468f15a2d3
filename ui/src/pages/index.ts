/** Each page's component, by the id nav.ts gives it. */
import type { FunctionComponent } from "preact";
import { NAV, type PageId } from "../nav";
import type { Route } from "../router";
import { GovernancePage } from "./governance";
import { LogsPage } from "./logs";
import { McpPage } from "./mcp";
import { MetricsPage } from "./metrics";
import { PlaygroundPage } from "./playground";
import { PluginsPage } from "./plugins";
import { ProvidersPage } from "./providers";

export interface PageProps {
  route: Route;
}

export interface PageDef {
  id: PageId;
  title: string;
  icon: string;
  component: FunctionComponent<PageProps>;
}

const COMPONENTS: Record<PageId, FunctionComponent<PageProps>> = {
  logs: LogsPage,
  metrics: MetricsPage,
  providers: ProvidersPage,
  governance: GovernancePage,
  plugins: PluginsPage,
  mcp: McpPage,
  playground: PlaygroundPage,
};

export const PAGES: PageDef[] = NAV.map((n) => ({ ...n, component: COMPONENTS[n.id] }));

export function pageFor(id: string): PageDef {
  return PAGES.find((p) => p.id === id) ?? PAGES[0]!;
}
