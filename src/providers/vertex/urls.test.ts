import { expect, test } from "bun:test";
import { vertexModelUrl, vertexOrigin } from "./urls";
import { target } from "./__fixtures__";

test.each([
  ["us-central1", "https://us-central1-aiplatform.googleapis.com"],
  ["europe-west4", "https://europe-west4-aiplatform.googleapis.com"],
  ["global", "https://aiplatform.googleapis.com"],
  ["us", "https://aiplatform.us.rep.googleapis.com"],
  ["eu", "https://aiplatform.eu.rep.googleapis.com"],
])("region %s → %s", (region, origin) => {
  expect(vertexOrigin(target(), region)).toBe(origin);
});

test("a base_url that is Google's own host still follows the region", () => {
  expect(vertexOrigin(target({ baseUrl: "https://aiplatform.googleapis.com" }), "europe-west1")).toBe("https://europe-west1-aiplatform.googleapis.com");
  expect(vertexOrigin(target({ baseUrl: "https://us-central1-aiplatform.googleapis.com/" }), "global")).toBe("https://aiplatform.googleapis.com");
});

test("any other base_url (a proxy, the mock) is used as given, without a trailing slash", () => {
  expect(vertexOrigin(target({ baseUrl: "http://127.0.0.1:9100/" }), "us-central1")).toBe("http://127.0.0.1:9100");
});

test("the model URL names project, location, publisher, model and method", () => {
  expect(vertexModelUrl(target({ model: "claude-sonnet-4-5@20250929" }), { project: "acme-prod", region: "global" }, "anthropic", "rawPredict")).toBe(
    "https://aiplatform.googleapis.com/v1/projects/acme-prod/locations/global/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict",
  );
});
