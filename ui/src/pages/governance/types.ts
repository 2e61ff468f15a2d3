/** What /api/governance/* answers (Go Bifrost's table shapes, plus each limit's usage and window). */

export interface BudgetView {
  id: string;
  max_limit: number;
  reset_duration: string;
  calendar_aligned: boolean;
  current_usage: number;
  last_reset: string | null;
  /** The next reset (when the current window ends); null: never. */
  reset_at: string | null;
}

export interface RateLimitView {
  id: string;
  token_max_limit: number | null;
  token_reset_duration: string | null;
  token_current_usage: number;
  token_last_reset: string | null;
  token_reset_at: string | null;
  request_max_limit: number | null;
  request_reset_duration: string | null;
  request_current_usage: number;
  request_last_reset: string | null;
  request_reset_at: string | null;
}

export interface Limits {
  budgets: BudgetView[];
  rate_limit: RateLimitView | null;
}

export interface ProviderConfigView extends Limits {
  id: number;
  provider: string;
  weight: number | null;
  allowed_models: string[];
  blacklisted_models: string[];
  key_ids: string[];
}

export interface Ref {
  id: string;
  name: string;
}

export interface VirtualKeyView extends Limits {
  id: string;
  name: string;
  description: string;
  /** Its visible prefix ("sk-bf-ab12…"); the whole value only in the creation answer. */
  value: string;
  is_active: boolean;
  expires_at: string | null;
  team_id: string | null;
  customer_id: string | null;
  team: (Ref & { customer_id: string | null }) | null;
  customer: Ref | null;
  allow_all_providers: boolean;
  calendar_aligned: boolean;
  provider_configs: ProviderConfigView[];
  config_source: "config" | "api";
  created_at: string;
  updated_at: string;
}

export interface TeamView extends Limits {
  id: string;
  name: string;
  customer_id: string | null;
  customer: Ref | null;
  calendar_aligned: boolean;
  virtual_key_count: number;
  config_source: "config" | "api";
}

export interface CustomerView extends Limits {
  id: string;
  name: string;
  calendar_aligned: boolean;
  teams: Ref[];
  virtual_key_count: number;
  config_source: "config" | "api";
}

/** Where a budget or rate limit hangs (GET /api/governance/budgets and /rate-limits). */
export interface OwnerFields {
  virtual_key_id: string | null;
  provider: string | null;
  team_id: string | null;
  customer_id: string | null;
}

export type OwnedBudget = BudgetView & OwnerFields;
export type OwnedRateLimit = RateLimitView & OwnerFields;

/** The three lists every tab reads (names of owners, choices in the forms). */
export interface Directory {
  virtualKeys: VirtualKeyView[];
  teams: TeamView[];
  customers: CustomerView[];
}
