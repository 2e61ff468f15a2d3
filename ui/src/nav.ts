/** The dashboard's pages in the navigation's order (the first is the default); components in pages/index.ts. */
export const NAV = [
  { id: "logs", title: "Logs", icon: "☰" },
  { id: "metrics", title: "Metrics", icon: "◔" },
  { id: "providers", title: "Providers", icon: "⇄" },
  { id: "governance", title: "Governance", icon: "⚿" },
  { id: "plugins", title: "Plugins", icon: "⧉" },
  { id: "mcp", title: "MCP", icon: "⚒" },
  { id: "playground", title: "Playground", icon: "▶" },
] as const;

export type PageId = (typeof NAV)[number]["id"];
