// Buyer: post a job, curated (admins assign sellers) or an open project (sellers bid).
// Invalid fields come back from the server as field violations shown beside each field.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { Field } from "../components/Field";
import { useSession } from "../context";
import { fieldErrors } from "../errors";
import { toMinor, toTimestamp } from "../format";
import { useAction, useCategories } from "../hooks";
import { type Category, type Job, SourcingMode } from "../sdk";

const CURRENCIES = ["USD", "EUR", "GBP"];

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** The end of a chosen day (local time), as a Timestamp; undefined when empty. */
function endOfDay(day: string) {
  return day ? toTimestamp(new Date(`${day}T23:59:00`)) : undefined;
}

interface Form {
  title: string;
  description: string;
  categoryId: string;
  skills: string;
  currency: string;
  min: string;
  max: string;
  due: string;
  start: string;
  mode: SourcingMode;
  biddingClose: string;
}

const EMPTY: Form = {
  title: "", description: "", categoryId: "", skills: "", currency: "USD", min: "", max: "",
  due: inDays(21), start: "", mode: SourcingMode.ASSIGNED, biddingClose: inDays(7),
};

export function PostJob() {
  const { session } = useSession();
  const client = session.client;
  const categories = useCategories(client);
  const [form, setForm] = useState<Form>(EMPTY);
  const [posted, setPosted] = useState<Job | undefined>(undefined);
  const action = useAction();
  const set = (key: keyof Form) => (e: Event) =>
    setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value });

  const submit = async (e: Event) => {
    e.preventDefault();
    setPosted(undefined);
    const open = form.mode === SourcingMode.OPEN;
    const amount = (text: string) => ({ currencyCode: form.currency, amountMinor: toMinor(text) ?? -1n });
    const job = await action.run(() =>
      client.jobs.createJob({
        job: {
          title: form.title.trim(),
          description: form.description.trim(),
          categoryId: form.categoryId,
          skills: form.skills.split(",").map((s) => s.trim()).filter(Boolean),
          budget: { min: amount(form.min), max: amount(form.max) },
          dueTime: endOfDay(form.due),
          preferredStartTime: endOfDay(form.start),
          sourcingMode: form.mode,
          biddingCloseTime: open ? endOfDay(form.biddingClose) : undefined,
        },
      }),
    );
    if (job) {
      setPosted(job);
      setForm({ ...EMPTY });
    }
  };

  const errorsOf = (path: string) => fieldErrors(action.error, path);
  return (
    <section>
      <h1 tabIndex={-1}>Post a job</h1>
      {posted && (
        <p class="success" role="status">
          Posted “{posted.title}”. It waits for an admin's review; follow it in <a href="#/jobs">My jobs</a>.
        </p>
      )}
      <form class="stack card" onSubmit={submit} noValidate>
        <Field label="Title" errors={errorsOf("title")}>
          <input name="title" value={form.title} onInput={set("title")} required minLength={5} maxLength={120} />
        </Field>
        <Field label="Description" errors={errorsOf("description")}>
          <textarea name="description" rows={4} value={form.description} onInput={set("description")} required maxLength={5000} />
        </Field>
        <Field label="Category" errors={errorsOf("category_id")}>
          <select name="category" value={form.categoryId} onChange={set("categoryId")} required>
            <option value="">Choose a category…</option>
            {categories.map((c) => <option key={c.id} value={c.id}>{indent(categories, c)}{c.displayName}</option>)}
          </select>
        </Field>
        <Field label="Skills (comma-separated)" errors={errorsOf("skills")}>
          <input name="skills" value={form.skills} onInput={set("skills")} placeholder="logo design, branding" />
        </Field>
        <fieldset class="row">
          <legend>Budget</legend>
          <label>
            Currency
            <select name="currency" value={form.currency} onChange={set("currency")}>
              {CURRENCIES.map((c) => <option key={c}>{c}</option>)}
            </select>
          </label>
          <Field label="From" errors={errorsOf("budget.min")}>
            <input name="budget-min" inputMode="decimal" value={form.min} onInput={set("min")} placeholder="200" required />
          </Field>
          <Field label="To" errors={errorsOf("budget.max")}>
            <input name="budget-max" inputMode="decimal" value={form.max} onInput={set("max")} placeholder="800" required />
          </Field>
        </fieldset>
        {errorsOf("budget").length > 0 && <p class="field-error">{errorsOf("budget").join(" ")}</p>}
        <div class="row">
          <Field label="Due" errors={errorsOf("due_time")}>
            <input type="date" name="due" value={form.due} onInput={set("due")} required />
          </Field>
          <Field label="Preferred start (optional)" errors={errorsOf("preferred_start_time")}>
            <input type="date" name="start" value={form.start} onInput={set("start")} />
          </Field>
        </div>
        <fieldset>
          <legend>How should sellers be found?</legend>
          <label class="inline">
            <input type="radio" name="mode" checked={form.mode === SourcingMode.ASSIGNED}
              onChange={() => setForm({ ...form, mode: SourcingMode.ASSIGNED })} />
            Assigned: an admin picks sellers, who get an offer
          </label>
          <label class="inline">
            <input type="radio" name="mode" checked={form.mode === SourcingMode.OPEN}
              onChange={() => setForm({ ...form, mode: SourcingMode.OPEN })} />
            Open project: sellers send proposals, you choose
          </label>
        </fieldset>
        {form.mode === SourcingMode.OPEN && (
          <Field label="Bidding closes" errors={errorsOf("bidding_close_time")}>
            <input type="date" name="bidding-close" value={form.biddingClose} onInput={set("biddingClose")} required />
          </Field>
        )}
        <ErrorNotice error={action.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy}>
            {action.busy ? "Posting…" : "Post job"}
          </button>
        </div>
      </form>
    </section>
  );
}

function indent(all: readonly Category[], c: Category): string {
  let depth = 0;
  for (let p = all.find((x) => x.id === c.parentId); p && depth < 10; p = all.find((x) => x.id === p!.parentId)) depth++;
  return "\u00a0\u00a0".repeat(depth);
}
