import { describe, expect, test } from "bun:test";
import { BifrostError } from "../../schemas/error";
import { bedrockErrorType, errorBody, exceptionFrame, streamExceptionType } from "./errors";
import { decodeFrames } from "./__fixtures__";

describe("errorBody", () => {
  test("Bedrock's JSON {message}, keeping the status", () => {
    expect(errorBody(new BifrostError({ status: 429, message: "slow down" }))).toEqual({ status: 429, body: { message: "slow down" } });
  });

  test.each([
    [400, "ValidationException"],
    [403, "AccessDeniedException"],
    [404, "ResourceNotFoundException"],
    [429, "ThrottlingException"],
    [500, "InternalServerException"],
    [502, "InternalServerException"],
    [503, "ServiceUnavailableException"],
    [422, "ValidationException"],
  ])("status %d is an AWS %s (the x-amzn-errortype the SDKs read)", (status, type) => {
    expect(bedrockErrorType(status)).toBe(type);
  });
});

describe("in-stream exception frames", () => {
  test.each([
    [429, "throttlingException"],
    [400, "validationException"],
    [503, "serviceUnavailableException"],
    [502, "modelStreamErrorException"],
    [504, "modelStreamErrorException"],
    [500, "internalServerException"],
  ])("status %d → %s", (status, type) => {
    expect(streamExceptionType(status)).toBe(type as any);
  });

  test("an exception frame carries :message-type exception, :exception-type and {message}", () => {
    expect(decodeFrames([exceptionFrame(new BifrostError({ status: 429, message: "Rate exceeded" }))])).toEqual([{ type: "!throttlingException", payload: { message: "Rate exceeded" } }]);
  });
});
