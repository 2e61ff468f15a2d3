import { expect, test } from "bun:test";
import { bedrockConfig, controlPlaneBase, modelPath, runtimeBase } from "./config";
import { target } from "./__fixtures__";

test("access_key/secret_key/session_token/region/arn are read from keyConfig, trimmed", () => {
  expect(bedrockConfig(target({ keyConfig: { access_key: " AK ", secret_key: "SK", session_token: "T", region: "eu-west-1", arn: "arn:x/" } }))).toEqual({
    region: "eu-west-1",
    credentials: { accessKey: "AK", secretKey: "SK", sessionToken: "T" },
    arn: "arn:x",
  });
});

test("no credentials without both keys; region from an AWS base URL, else us-east-1", () => {
  expect(bedrockConfig(target({ keyConfig: { access_key: "AK" } }))).toEqual({ region: "us-east-1" });
  expect(bedrockConfig(target({ keyConfig: undefined, baseUrl: "https://bedrock-runtime.ap-south-1.amazonaws.com" }))).toEqual({ region: "ap-south-1" });
});

test("runtimeBase fills {region} and drops a trailing slash; an empty base URL means the public endpoint", () => {
  expect(runtimeBase(target())).toBe("https://bedrock-runtime.us-west-2.amazonaws.com");
  expect(runtimeBase(target({ baseUrl: "https://proxy.example.com/bedrock/" }))).toBe("https://proxy.example.com/bedrock");
  expect(runtimeBase(target({ baseUrl: "" }))).toBe("https://bedrock-runtime.us-west-2.amazonaws.com");
});

test("controlPlaneBase keeps FIPS and path-free AWS hosts on the control plane", () => {
  expect(controlPlaneBase(target({ baseUrl: "https://bedrock-runtime-fips.us-east-1.amazonaws.com" }))).toBe("https://bedrock-fips.us-east-1.amazonaws.com");
});

test("modelPath escapes ':' and '/' so the id stays one segment", () => {
  expect(modelPath(target({ model: "meta.llama3-70b-instruct-v1:0" }))).toBe("/model/meta.llama3-70b-instruct-v1%3A0");
  expect(modelPath(target({ model: "arn:aws:bedrock:us-east-1:1:inference-profile/us.x" }))).toBe("/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fus.x");
});
