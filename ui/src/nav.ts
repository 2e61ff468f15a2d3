/** The dashboard's pages in the navigation's order (the first is the default; icon: an SVG path, 24×24, stroked); components in pages/index.ts. */
export const NAV = [
  { id: "logs", title: "Logs", icon: "M4 6h16M4 12h16M4 18h10" },
  { id: "metrics", title: "Metrics", icon: "M4 20V10M10 20V4M16 20v-7M22 20H2" },
  { id: "providers", title: "Providers", icon: "M4 8h13l-3-3M20 16H7l3 3" },
  { id: "governance", title: "Governance", icon: "M12 3l8 3v6c0 5-3.5 8-8 9-4.5-1-8-4-8-9V6z" },
  { id: "plugins", title: "Plugins", icon: "M9 3v4M15 3v4M6 7h12v5a6 6 0 0 1-12 0zM12 18v3" },
  { id: "mcp", title: "MCP", icon: "M14 7l3-3 3 3-3 3M4 20l9-9M7 14l3 3" },
  { id: "playground", title: "Playground", icon: "M7 4l13 8-13 8z" },
] as const;

export type PageId = (typeof NAV)[number]["id"];
