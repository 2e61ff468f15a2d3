import { describe, expect, test } from "bun:test";
import type { RerankRequest } from "../../schemas/rerank";
import { cohereRerankRequest, fromCohereRerankResponse } from "./rerank";
import { fixtureJson, target } from "./__fixtures__";

const documents = [
  "Carson City is the capital city of the American state of Nevada.",
  { text: "The Commonwealth of the Northern Mariana Islands is a group of islands in the Pacific Ocean. Its capital is Saipan." },
  "Capitalization or capitalisation in English grammar is the use of a capital letter at the start of a word.",
  "Washington, D.C. is the capital of the United States.",
  "Capital punishment has existed in the United States since before it was a country.",
];
const req = (over: Partial<RerankRequest> = {}): RerankRequest => ({ model: "cohere/rerank-v3.5", query: "What is the capital of the United States?", documents, ...over });
const t = target({ model: "rerank-v3.5" });

describe("rerank request", () => {
  test("POSTs /v2/rerank with documents as strings, top_n and max_tokens_per_doc", () => {
    const wire = cohereRerankRequest(req({ top_n: 3, max_tokens_per_doc: 512, return_documents: true }), t);
    expect(wire.url).toBe("https://api.cohere.com/v2/rerank");
    expect(JSON.parse(wire.body as string)).toEqual({
      model: "rerank-v3.5",
      query: "What is the capital of the United States?",
      documents: documents.map((d) => (typeof d === "string" ? d : d.text)),
      top_n: 3,
      max_tokens_per_doc: 512,
    });
  });
});

describe("rerank response", () => {
  test("results in Cohere's order with scores; search units as usage", () => {
    expect(fromCohereRerankResponse(fixtureJson("rerank.json"), t, req())).toEqual({
      id: "07734bd2-2473-4f07-94e1-0d9f0e6843cf",
      object: "list",
      model: "rerank-v3.5",
      results: [
        { index: 3, relevance_score: 0.999071 },
        { index: 4, relevance_score: 0.7867867 },
        { index: 0, relevance_score: 0.32713068 },
      ],
      usage: { search_units: 1 },
    });
  });

  test("return_documents echoes each result's document from the request", () => {
    const res = fromCohereRerankResponse(fixtureJson("rerank.json"), t, req({ return_documents: true }));
    expect(res.results.map((r) => r.document?.text)).toEqual([documents[3] as string, documents[4] as string, documents[0] as string]);
  });

  test("without the request, documents Cohere did return are kept only if asked; none are invented", () => {
    const body = { results: [{ index: 0, relevance_score: 0.5, document: { text: "from upstream" } }] };
    expect(fromCohereRerankResponse(body, t).results[0]).toEqual({ index: 0, relevance_score: 0.5 });
  });

  test("no results is a 502", () => {
    expect(() => fromCohereRerankResponse({} as any, t)).toThrow("upstream answered without results");
  });
});
