import { describe, expect, test } from "bun:test";
import { ConfigError, configFromEnv, resolveConfig } from "../../src/config/load";

function problems(raw: unknown, env: Record<string, string> = {}): string[] {
  try {
    resolveConfig(raw, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
}

describe("config loading", () => {
  test("a Go Bifrost config.json loads unchanged, env.X read from the environment", () => {
    const cfg = resolveConfig(
      {
        client: { drop_excess_requests: true, initial_pool_size: 300, allowed_origins: ["https://app.example"], enable_logging: true, max_request_body_size_mb: 2 },
        providers: {
          openai: {
            keys: [{ name: "main", value: "env.OPENAI_API_KEY", models: ["gpt-4o-mini"], weight: 0.7 }],
            network_config: { base_url: "https://api.openai.com/", extra_headers: { "X-Team": "a" }, default_request_timeout_in_seconds: 12 },
            concurrency_and_buffer_size: { concurrency: 3, buffer_size: 10 },
          },
          anthropic: { keys: [{ value: "sk-ant-literal", models: ["*"], weight: 1 }] },
        },
        governance: { virtual_keys: [] },
        mcp: { client_configs: [] },
        plugins: [{ name: "mocker", enabled: false, config: {} }],
      },
      { OPENAI_API_KEY: "sk-from-env" },
    );
    const openai = cfg.providers.get("openai")!;
    expect(openai.keys[0]).toMatchObject({ name: "main", value: "sk-from-env", models: ["gpt-4o-mini"], weight: 0.7 });
    expect(openai.baseUrl).toBe("https://api.openai.com");
    expect(openai.extraHeaders).toEqual({ "x-team": "a" });
    expect(openai.timeoutMs).toBe(12_000);
    expect(openai.concurrency).toBe(3);
    expect(openai.bufferSize).toBe(10);
    expect(cfg.providers.get("anthropic")!.keys[0]!.models).toBeNull();
    expect(cfg.client.dropExcessRequests).toBe(true);
    expect(cfg.client.maxRequestBodyBytes).toBe(2 * 1024 * 1024);
    expect(cfg.warnings).toEqual([]);
  });

  test("a wrong type is reported with its JSON path", () => {
    const p = problems({ providers: { openai: { keys: [{ value: "x", weight: "heavy" }] } } });
    expect(p).toContain("providers.openai.keys[0].weight: expected number");
  });

  test("every problem is reported, one line each", () => {
    const p = problems({
      client: { drop_excess_requests: "yes" },
      providers: { openai: { keys: [{ value: "x", models: "gpt-4o" }], concurrency_and_buffer_size: { concurrency: 0 } } },
    });
    expect(p.some((l) => l.startsWith("client.drop_excess_requests: "))).toBe(true);
    expect(p.some((l) => l.startsWith("providers.openai.keys[0].models: "))).toBe(true);
    expect(p.some((l) => l.startsWith("providers.openai.concurrency_and_buffer_size.concurrency: "))).toBe(true);
  });

  test("an env.X whose variable is unset is an error naming the key", () => {
    const p = problems({ providers: { openai: { keys: [{ value: "env.NOPE_NOT_SET" }] } } });
    expect(p).toEqual(["providers.openai.keys[0].value: environment variable NOPE_NOT_SET is not set"]);
  });

  test("unknown keys are warnings with their path, not errors", () => {
    const cfg = resolveConfig({ providers: { openai: { keys: [{ value: "k", colour: "red" }], turbo: true } }, extra_top: 1 }, {});
    expect(cfg.warnings).toContain("providers.openai.keys[0].colour: unknown key (ignored)");
    expect(cfg.warnings).toContain("providers.openai.turbo: unknown key (ignored)");
    expect(cfg.warnings).toContain("extra_top: unknown key (ignored)");
  });

  test("an unknown provider name is an error listing the known ones", () => {
    const p = problems({ providers: { opnai: { keys: [{ value: "k" }] } } });
    expect(p[0]).toStartWith('providers.opnai: unknown provider type "opnai"');
    expect(p[0]).toContain("openai");
  });

  test("Go Bifrost's \"sgl\" is the SGLang provider (regression: unknown provider type \"sgl\")", () => {
    const cfg = resolveConfig({ providers: { sgl: { keys: [], network_config: { base_url: "http://10.0.0.2:30000" } } } }, {});
    const p = cfg.providers.get("sgl")!;
    expect(p).toMatchObject({ name: "sgl", type: "sglang", baseUrl: "http://10.0.0.2:30000", keyless: true });
    expect(resolveConfig({ providers: { sgl: { keys: [] } } }, {}).providers.get("sgl")!.baseUrl).toBe("http://localhost:30000");
    const custom = resolveConfig({ providers: { "sgl-b": { keys: [], custom_provider_config: { base_provider_type: "sgl" } } } }, {});
    expect(custom.providers.get("sgl-b")!.type).toBe("sglang");
  });

  test("a Go Bifrost provider we don't have yet is named as not supported yet, not as unknown", () => {
    const p = problems({ providers: { replicate: { keys: [{ value: "r8-key" }] } } });
    expect(p[0]).toStartWith("providers.replicate: provider replicate is not supported yet");
    expect(p[0]).not.toContain("unknown");
    const custom = problems({ providers: { mine: { keys: [{ value: "k" }], custom_provider_config: { base_provider_type: "replicate" } } } });
    expect(custom[0]).toStartWith("providers.mine.custom_provider_config.base_provider_type: provider replicate is not supported yet");
  });

  test("custom providers take a base type and their own base_url", () => {
    const cfg = resolveConfig(
      {
        providers: {
          "vllm-a": { keys: [], custom_provider_config: { base_provider_type: "openai", is_key_less: true }, network_config: { base_url: "http://10.0.0.1:8000" } },
        },
      },
      {},
    );
    const p = cfg.providers.get("vllm-a")!;
    expect(p.type).toBe("openai");
    expect(p.baseUrl).toBe("http://10.0.0.1:8000");
    expect(p.keys).toHaveLength(1);
    expect(p.keys[0]!.value).toBe("");
  });

  test("a provider with no keys is an error unless it is keyless", () => {
    expect(problems({ providers: { openai: { keys: [] } } })).toEqual(["providers.openai.keys: at least one key is required"]);
    expect(problems({ providers: { ollama: {} } })).toEqual([]);
  });

  test("a malformed base_url is an error", () => {
    expect(problems({ providers: { openai: { keys: [{ value: "k" }], network_config: { base_url: "api.openai.com" } } } })).toEqual([
      "providers.openai.network_config.base_url: expected an http(s) URL",
    ]);
  });

  test("with no file, providers come from their usual environment variables", () => {
    const cfg = configFromEnv({ OPENAI_API_KEY: "sk-a", ANTHROPIC_API_KEY: "sk-b", GROQ_API_KEY: "gsk", OLLAMA_BASE_URL: "http://127.0.0.1:11434" });
    expect([...cfg.providers.keys()].sort()).toEqual(["anthropic", "groq", "ollama", "openai"]);
    expect(cfg.providers.get("openai")!.keys[0]!.value).toBe("sk-a");
    expect(cfg.providers.get("groq")!.baseUrl).toBe("https://api.groq.com/openai");
    expect(cfg.providers.get("ollama")!.baseUrl).toBe("http://127.0.0.1:11434");
    expect(configFromEnv({}).providers.size).toBe(0);
  });
});
