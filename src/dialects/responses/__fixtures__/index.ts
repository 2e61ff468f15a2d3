/** The canonical chat fixtures live once, beside the anthropic dialect; both dialects' tests translate the same recordings. */
export { chatChunks, chatResponse, sseEvents } from "../../anthropic/__fixtures__";
