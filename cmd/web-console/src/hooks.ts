// Hooks shared by the screens: running an action with its error, paging a list with the
// API's page tokens, following a watch stream, and names of users and categories.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { useSession } from "./context";
import { type Explained, explain } from "./errors";
import type { Category, EventType, GigwireClient } from "./sdk";

/** Runs calls one at a time, keeping `busy` and the last failure explained. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Explained | undefined>(undefined);
  const run = useCallback(async <T>(call: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(undefined);
    try {
      return await call();
    } catch (e) {
      setError(explain(e));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { run, busy, error, clearError: () => setError(undefined) };
}

/** One page of a list call. */
export interface Page<T, X = undefined> {
  readonly items: T[];
  readonly nextPageToken: string;
  /** Whatever else the response carries (state counts, event cursor...). */
  readonly extra?: X;
}

/** A list walked page by page with the API's opaque page tokens. */
export interface Paged<T, X> {
  readonly items: T[];
  readonly extra: X | undefined;
  readonly loading: boolean;
  readonly error: Explained | undefined;
  /** 1-based page number. */
  readonly pageNumber: number;
  readonly hasNext: boolean;
  readonly hasPrev: boolean;
  next(): void;
  prev(): void;
  reload(): void;
  /** Changes the shown items locally (e.g. the resource an action returned). */
  update(change: (items: T[]) => T[]): void;
}

/**
 * Loads page 1 of `load` whenever `deps` change; next() and prev() follow the tokens.
 * A response that arrives after a newer request is dropped.
 */
export function usePaged<T, X = undefined>(
  load: (pageToken: string) => Promise<Page<T, X>>,
  deps: readonly unknown[],
): Paged<T, X> {
  const [tokens, setTokens] = useState<string[]>([""]);
  const [index, setIndex] = useState(0);
  const [page, setPage] = useState<Page<T, X> | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Explained | undefined>(undefined);
  const request = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const fetchPage = useCallback((at: number, known: string[]) => {
    const id = ++request.current;
    setLoading(true);
    setError(undefined);
    loadRef.current(known[at] ?? "").then(
      (result) => {
        if (id !== request.current) return;
        const nextTokens = known.slice(0, at + 1);
        if (result.nextPageToken) nextTokens.push(result.nextPageToken);
        setTokens(nextTokens);
        setIndex(at);
        setPage(result);
        setLoading(false);
      },
      (e: unknown) => {
        if (id !== request.current) return;
        setError(explain(e));
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => fetchPage(0, [""]), deps); // eslint-disable-line react-hooks/exhaustive-deps

  return {
    items: page?.items ?? [],
    extra: page?.extra,
    loading,
    error,
    pageNumber: index + 1,
    hasNext: tokens.length > index + 1,
    hasPrev: index > 0,
    next: () => fetchPage(index + 1, tokens),
    prev: () => fetchPage(index - 1, tokens),
    reload: () => fetchPage(index, tokens),
    update: (change) => setPage((p) => (p ? { ...p, items: change(p.items) } : p)),
  };
}

/** Replaces the item with the same id (for update()). */
export function replaceById<T extends { readonly id: string }>(item: T): (items: T[]) => T[] {
  return (items) => items.map((i) => (i.id === item.id ? item : i));
}

/**
 * Follows a watch (an async iterable of events) while the screen is shown and `start`
 * is true, calling onEvent for each; the SDK's watch reconnects by itself. Returns the
 * failure that ended it, if any.
 */
export function useWatch<E>(
  open: (signal: AbortSignal) => AsyncIterable<E>,
  onEvent: (event: E) => void,
  start: boolean,
  deps: readonly unknown[],
): Explained | undefined {
  const [error, setError] = useState<Explained | undefined>(undefined);
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    if (!start) return undefined;
    const controller = new AbortController();
    setError(undefined);
    (async () => {
      try {
        for await (const event of open(controller.signal)) handler.current(event);
      } catch (e) {
        if (!controller.signal.aborted) setError(explain(e));
      }
    })();
    return () => controller.abort();
  }, [start, ...deps]); // eslint-disable-line react-hooks/exhaustive-deps
  return error;
}

const userNames = new Map<string, Promise<string>>();

/** A user's display name (cached per page load); the id until it is known. */
export function useUserName(id: string): string {
  const { session } = useSession();
  const [name, setName] = useState(id);
  useEffect(() => {
    if (!id) return;
    let live = true;
    let pending = userNames.get(id);
    if (!pending) {
      pending = session.client.users.getUser({ id }).then((u) => u.displayName, () => id);
      userNames.set(id, pending);
    }
    pending.then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, [id, session]);
  return name;
}

let categories: Promise<Category[]> | undefined;

/** The category tree, parents before children (loaded once per page). */
export function useCategories(client: GigwireClient): Category[] {
  const [list, setList] = useState<Category[]>([]);
  useEffect(() => {
    categories ??= client.catalog.listCategories({}).then(
      (r) => r.categories,
      (e: unknown) => {
        categories = undefined;
        throw e;
      },
    );
    let live = true;
    categories.then((c) => live && setList(c), () => undefined);
    return () => {
      live = false;
    };
  }, [client]);
  return list;
}

/** "Design › Logo design" for a category id. */
export function categoryPath(list: readonly Category[], id: string): string {
  const parts: string[] = [];
  let current = list.find((c) => c.id === id);
  while (current && parts.length < 10) {
    parts.unshift(current.displayName);
    const parentId: string = current.parentId;
    current = parentId ? list.find((c) => c.id === parentId) : undefined;
  }
  return parts.join(" › ") || "—";
}

/** How long a burst of events is gathered into one reload. */
const RELOAD_COALESCE_MS = 150;

/**
 * Reloads a list when events of `types` arrive (one reload per burst), watching from the
 * first cursor the list reported (its `event_cursor`), so nothing between the list and
 * the watch is missed. Returns the failure that ended the watch, if any.
 */
export function useEventReload(
  client: GigwireClient,
  listCursor: string | undefined,
  types: readonly EventType[],
  reload: () => void,
): Explained | undefined {
  const [start, setStart] = useState("");
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latestReload = useRef(reload);
  latestReload.current = reload;
  useEffect(() => {
    if (!start && listCursor) setStart(listCursor);
  }, [listCursor, start]);
  useEffect(() => () => clearTimeout(pending.current), []);
  return useWatch(
    (signal) => client.watchEvents({ resumeCursor: start, types, signal }),
    () => {
      if (pending.current !== undefined) return;
      pending.current = setTimeout(() => {
        pending.current = undefined;
        latestReload.current();
      }, RELOAD_COALESCE_MS);
    },
    start !== "",
    [start],
  );
}

/**
 * Reloads what a screen shows when events of `types` arrive (one reload per burst), for
 * screens whose reads carry no `event_cursor` (a booking's milestones, a dispute): the
 * watch starts now, and its first heartbeat triggers one more reload, so a change made
 * between the screen's first read and the watch's start is not missed. Returns the
 * failure that ended the watch, if any.
 */
export function useLiveReload(client: GigwireClient, types: readonly EventType[], reload: () => void): Explained | undefined {
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latestReload = useRef(reload);
  latestReload.current = reload;
  const schedule = useCallback(() => {
    if (pending.current !== undefined) return;
    pending.current = setTimeout(() => {
      pending.current = undefined;
      latestReload.current();
    }, RELOAD_COALESCE_MS);
  }, []);
  useEffect(() => () => clearTimeout(pending.current), []);
  return useWatch(
    (signal) => {
      let first = true;
      const onHeartbeat = () => {
        if (first) schedule();
        first = false;
      };
      return client.watchEvents({ types, signal, onHeartbeat });
    },
    schedule,
    true,
    [client],
  );
}
