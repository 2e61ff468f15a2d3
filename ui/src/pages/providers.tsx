/**
 * Providers: every configured provider with its keys, queue, circuits and each key's recent error
 * rate (GET /api/providers, refreshed every few seconds and after each logged request); add, edit and
 * delete providers and keys (POST/PUT/DELETE /api/providers); test one with a small chat request.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { PageProps } from ".";
import { api, enc } from "../api";
import { Button, confirmAction, Empty, ErrorNote, Loading, PageHeader, toast } from "../components";
import { fmtInt, fmtPct } from "../format";
import { useLoad } from "../hooks";
import { subscribe } from "../live";
import { saveKeys, KeyForm } from "./providers/key-form";
import { ProviderCard, type CardActions } from "./providers/provider-card";
import { AddProvider, EditProvider } from "./providers/provider-form";
import { TestDialog } from "./providers/test-dialog";
import { keyName, type ProviderList } from "./providers/types";

type Dialog =
  | { kind: "add" }
  | { kind: "edit"; name: string }
  | { kind: "key"; name: string; index: number | null }
  | { kind: "test"; name: string; index: number | null };

const POLL_MS = 5000;

export function ProvidersPage(_props: PageProps) {
  const list = useLoad((signal) => api.get<ProviderList>("/api/providers", { signal }), [], POLL_MS);
  const [dialog, setDialog] = useState<Dialog | null>(null);
  const [refreshing, setRefreshing] = useState(false);
  const providers = list.data?.providers ?? [];
  const find = (name: string) => providers.find((p) => p.name === name) ?? null;

  // A logged request moved some key's counts: refresh, at most once a second.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const off = subscribe("log", () => {
      pending.current ??= setTimeout(() => {
        pending.current = null;
        void list.reload();
      }, 1000);
    });
    return () => {
      off();
      if (pending.current) clearTimeout(pending.current);
    };
  }, []);

  const close = () => setDialog(null);
  const saved = () => {
    setDialog(null);
    void list.reload();
  };

  const actions: CardActions = {
    test: (p, index) => setDialog({ kind: "test", name: p.name, index }),
    edit: (p) => setDialog({ kind: "edit", name: p.name }),
    addKey: (p) => setDialog({ kind: "key", name: p.name, index: null }),
    editKey: (p, index) => setDialog({ kind: "key", name: p.name, index }),
    async remove(p) {
      if (!confirmAction(`Delete provider ${p.name} and its ${p.keys.length} key(s)? Requests for ${p.name}/… fail from now on.`)) return;
      try {
        await api.del(`/api/providers/${enc(p.name)}`);
        toast(`Provider ${p.name} deleted`);
      } catch (e) {
        toast((e as Error).message, "bad");
      }
      void list.reload();
    },
    async removeKey(p, index) {
      const name = keyName(p, p.keys[index]!, index);
      if (!confirmAction(`Delete key ${name} of ${p.name}?`)) return;
      try {
        await saveKeys(p, p.keys.filter((_, i) => i !== index));
        toast(`Key ${name} deleted`);
      } catch (e) {
        toast((e as Error).message, "bad");
      }
      void list.reload();
    },
  };

  const keys = providers.reduce((n, p) => n + p.keys.length, 0);
  const requests = providers.reduce((n, p) => n + (p.key_stats ?? []).reduce((m, s) => m + s.requests, 0), 0);
  const errors = providers.reduce((n, p) => n + (p.key_stats ?? []).reduce((m, s) => m + s.errors, 0), 0);
  const open = providers.reduce((n, p) => n + p.circuits.filter((c) => c.state !== "closed").length, 0);
  const current = dialog && dialog.kind !== "add" ? find(dialog.name) : null;

  return (
    <>
      <PageHeader
        title="Providers"
        subtitle={list.data ? <>Upstream providers and their keys. Calls run {list.data.transport === "workers" ? "on worker threads" : "on the server's thread"}.</> : null}
        actions={
          <>
            <Button
              variant="ghost"
              busy={refreshing}
              aria-label="Refresh providers"
              onClick={async () => {
                setRefreshing(true);
                await list.reload();
                setRefreshing(false);
              }}
            >
              Refresh
            </Button>
            <Button variant="primary" onClick={() => setDialog({ kind: "add" })}>Add provider</Button>
          </>
        }
      />
      <ErrorNote error={list.error} onRetry={() => void list.reload()} />
      {list.data ? (
        <div class="stats" aria-label="Summary">
          <div class="stat"><div class="value">{fmtInt(providers.length)}</div><div class="label">Providers</div></div>
          <div class="stat"><div class="value">{fmtInt(keys)}</div><div class="label">Keys</div></div>
          <div class="stat"><div class="value">{fmtInt(requests)}</div><div class="label">Attempts, last 5 min</div></div>
          <div class="stat"><div class="value">{requests ? fmtPct(errors / requests) : "—"}</div><div class="label">Error rate, last 5 min</div></div>
          <div class="stat"><div class="value">{fmtInt(open)}</div><div class="label">Circuits not closed</div></div>
        </div>
      ) : null}
      {!list.data && !list.error ? <Loading /> : null}
      {list.data && !providers.length ? <Empty>No provider is configured yet. Add one to start serving requests.</Empty> : null}
      <div class="pv-list">
        {providers.map((p) => <ProviderCard key={p.name} provider={p} actions={actions} />)}
      </div>

      {dialog?.kind === "add" ? <AddProvider existing={providers.map((p) => p.name)} onClose={close} onSaved={saved} /> : null}
      {dialog?.kind === "edit" && current ? <EditProvider provider={current} onClose={close} onSaved={saved} /> : null}
      {dialog?.kind === "key" && current ? <KeyForm provider={current} index={dialog.index} onClose={close} onSaved={saved} /> : null}
      {dialog?.kind === "test" && current ? (
        <TestDialog provider={current} index={dialog.index} onClose={close} onDone={() => void list.reload()} />
      ) : null}
    </>
  );
}

