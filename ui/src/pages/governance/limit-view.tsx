/** A budget's and a rate limit's usage as bars, each with its window and next reset. */
import { UsageBar } from "../../components";
import { fmtCost, fmtInt, fmtRelative, fmtTime } from "../../format";
import { durationWords, nextReset } from "./reset";
import type { BudgetView, Limits, RateLimitView } from "./types";

function Resets(props: { at: number | null; duration: string | null }) {
  const per = props.duration ? `per ${durationWords(props.duration)}` : "";
  if (props.at === null) return <small class="muted">{per ? `${per} · ` : ""}never resets</small>;
  const iso = new Date(props.at).toISOString();
  return (
    <small class="muted">
      {per ? `${per} · ` : ""}resets <time dateTime={iso} title={fmtTime(props.at)}>{fmtRelative(props.at)}</time>
    </small>
  );
}

/** `scope` names where the limit hangs when it is not on the row's owner itself (a provider config: "openai"). */
const named = (what: string, scope?: string) => (scope ? `${what} · ${scope}` : what);

export function BudgetBar(props: { budget: BudgetView; owner: string; scope?: string }) {
  const b = props.budget;
  return (
    <div class="gov-limit">
      <span class="gov-limit-name">{named("Budget", props.scope)}</span>
      <UsageBar value={b.current_usage} max={b.max_limit} label={`Budget of ${props.owner}`} format={fmtCost} />
      <Resets at={nextReset(b.reset_at, b.last_reset, b.reset_duration)} duration={b.reset_duration} />
    </div>
  );
}

export function RateBars(props: { rate: RateLimitView; owner: string; scope?: string }) {
  const r = props.rate;
  return (
    <>
      {r.token_max_limit !== null ? (
        <div class="gov-limit">
          <span class="gov-limit-name">{named("Tokens", props.scope)}</span>
          <UsageBar value={r.token_current_usage} max={r.token_max_limit} label={`Tokens of ${props.owner}`} format={fmtInt} />
          <Resets at={nextReset(r.token_reset_at, r.token_last_reset, r.token_reset_duration)} duration={r.token_reset_duration} />
        </div>
      ) : null}
      {r.request_max_limit !== null ? (
        <div class="gov-limit">
          <span class="gov-limit-name">{named("Requests", props.scope)}</span>
          <UsageBar value={r.request_current_usage} max={r.request_max_limit} label={`Requests of ${props.owner}`} format={fmtInt} />
          <Resets at={nextReset(r.request_reset_at, r.request_last_reset, r.request_reset_duration)} duration={r.request_reset_duration} />
        </div>
      ) : null}
    </>
  );
}

/** Every budget and the rate limit of one owner, then of its parts (a key's provider configs), stacked; "No limits" when there are none. */
export function LimitBars(props: { limits: Limits; owner: string; parts?: Array<{ scope: string; limits: Limits }> }) {
  const all = [{ scope: undefined as string | undefined, limits: props.limits }, ...(props.parts ?? [])].filter((p) => p.limits.budgets.length || p.limits.rate_limit);
  if (!all.length) return <span class="muted">No limits</span>;
  return (
    <div class="gov-limits">
      {all.map(({ scope, limits }) => {
        const owner = scope ? `${props.owner} · ${scope}` : props.owner;
        return (
          <>
            {limits.budgets.map((b, i) => <BudgetBar key={b.id} budget={b} scope={scope} owner={limits.budgets.length > 1 ? `${owner} (${i + 1})` : owner} />)}
            {limits.rate_limit ? <RateBars rate={limits.rate_limit} scope={scope} owner={owner} /> : null}
          </>
        );
      })}
    </div>
  );
}
