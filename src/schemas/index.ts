export * from "./chat";
export * from "./embeddings";
export * from "./models";
export * from "./error";
export * from "./rerank";
export * from "./audio";
export * from "./images";
