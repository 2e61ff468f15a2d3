/** The dashboard's MCP client form: its text fields to Go Bifrost's client config and back (ui/src/pages/mcp/client-form.ts). */
import { describe, expect, test } from "bun:test";
import { bodyOf, describeTools, draftOf, fieldOfParam, NEW_CLIENT, parseHeaders } from "../../ui/src/pages/mcp/client-form";

describe("MCP client form", () => {
  test("an HTTP client: URL, headers as Name: value lines, tool lists one per line", () => {
    const { body, errors } = bodyOf({ ...NEW_CLIENT, name: "web", url: " https://mcp.example/mcp ", headers: "Authorization: Bearer a:b\n\nx-team:  blue ", tools: "echo\nadd", autoTools: "echo" }, "create");
    expect(errors).toEqual({});
    expect(body).toEqual({
      name: "web",
      connection_type: "http",
      connection_string: "https://mcp.example/mcp",
      headers: { Authorization: "Bearer a:b", "x-team": "blue" },
      tools_to_execute: ["echo", "add"],
      tools_to_auto_execute: ["echo"],
      disabled: false,
    });
  });

  test("a stdio client: command, args and envs; no headers", () => {
    const { body } = bodyOf({ ...NEW_CLIENT, name: "files", transport: "stdio", command: "npx", args: "-y\n@modelcontextprotocol/server-filesystem\n/tmp", envs: "TOKEN=abc\nHOME", headers: "ignored: yes" }, "create");
    expect(body).toEqual({ name: "files", connection_type: "stdio", stdio_config: { command: "npx", args: ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"], envs: ["TOKEN=abc", "HOME"] }, tools_to_execute: ["*"], tools_to_auto_execute: [], disabled: false });
  });

  test("problems are found per field before sending", () => {
    expect(bodyOf(NEW_CLIENT, "create").errors).toEqual({ name: "required", url: "required" });
    expect(bodyOf({ ...NEW_CLIENT, name: "my-client", url: "ftp://x", headers: "no colon" }, "create").errors).toMatchObject({ name: expect.stringContaining("letters"), url: expect.stringContaining("http"), headers: expect.stringContaining("Name: value") });
    expect(bodyOf({ ...NEW_CLIENT, name: "s", transport: "stdio" }, "create").errors).toEqual({ command: "required for a stdio client" });
    expect(parseHeaders("a: 1\nb:2").headers).toEqual({ a: "1", b: "2" });
  });

  test("editing a saved client sends what may change; masked header values go back as they were shown", () => {
    const saved = { name: "web", connection_type: "http" as const, connection_string: "https://mcp.example/mcp", headers: { authorization: "********" }, tools_to_execute: ["*"] };
    const d = draftOf(saved);
    expect(d).toMatchObject({ name: "web", transport: "http", url: "https://mcp.example/mcp", headers: "authorization: ********", tools: "*", autoTools: "" });
    expect(bodyOf({ ...d, tools: "echo" }, "edit").body).toEqual({ headers: { authorization: "********" }, tools_to_execute: ["echo"], tools_to_auto_execute: [], disabled: false });
    expect(draftOf({ name: "s", connection_type: "stdio", stdio_config: { command: "x", envs: { K: "********" } } }).envs).toBe("K=********");
  });

  test("API params map to fields; tool lists read as all, none or the names", () => {
    expect(fieldOfParam("stdio_config.command")).toBe("command");
    expect(fieldOfParam("client.name")).toBe("name");
    expect(fieldOfParam("connection_string")).toBe("url");
    expect(fieldOfParam("tools_to_auto_execute")).toBe("autoTools");
    expect(fieldOfParam(null)).toBe(null);
    expect(describeTools(["*"])).toBe("all");
    expect(describeTools(undefined)).toBe("none");
    expect(describeTools(["a", "b"])).toBe("a, b");
  });
});
