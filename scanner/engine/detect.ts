/**
 * One pass over the text finds every trigger of every rule (a single regex of literals, no
 * quantifiers, so no backtracking); each rule then looks only around its triggers.
 */
import type { Rule, RuleMatch, RuleState } from './types';

export interface Detection extends RuleMatch {
  rule: Rule;
}

interface Compiled {
  /**
   * Case-sensitive literals and caseless keywords in one regex: the hits come in text order, and one
   * pass measured 15% less than a pass for each (Node 20).
   */
  regex: RegExp;
  /** Lowercased trigger text → the rules (and the trigger as they declared it) it starts. */
  byTrigger: Map<string, Array<{ rule: Rule; trigger: string }>>;
  /** Lowercased keywords (not literals). */
  keywords: Set<string>;
}

const compiled = new WeakMap<readonly Rule[], Compiled>();

export function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `secret` → `[sS][eE][cC][rR][eE][tT]`: caseless without the `i` flag (git grep -P skips ahead far better). */
export function caseless(keyword: string): string {
  return [...keyword].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : escapeRegExp(c))).join('');
}

function compile(rules: readonly Rule[]): Compiled {
  const cached = compiled.get(rules);
  if (cached) return cached;
  const literals = new Set<string>();
  const keywords = new Set<string>();
  const byTrigger: Compiled['byTrigger'] = new Map();
  const add = (trigger: string, rule: Rule) => {
    const key = trigger.toLowerCase();
    byTrigger.set(key, [...(byTrigger.get(key) ?? []), { rule, trigger }]);
  };
  for (const rule of rules) {
    for (const t of rule.triggers) {
      literals.add(escapeRegExp(t));
      add(t, rule);
    }
    for (const k of rule.keywords ?? []) {
      keywords.add(caseless(k));
      add(k, rule);
    }
  }
  const regex = new RegExp([...literals, ...keywords].join('|') || '(?!)', 'g');
  const result = { regex, byTrigger, keywords: new Set(rules.flatMap((r) => r.keywords ?? [])) };
  compiled.set(rules, result);
  return result;
}

/** A regex source matching every trigger and keyword of `rules`. */
export function triggerSource(rules: readonly Rule[]): string {
  return compile(rules).regex.source;
}

/**
 * All rule matches in `text` (latin1-decoded bytes), ordered by offset, one per rule and offset.
 * `keywordsAt` receives the offset of every keyword found (decoders look after them, scanner/decode).
 */
export function detect(text: string, rules: readonly Rule[], keywordsAt?: number[]): Detection[] {
  const { regex, byTrigger, keywords } = compile(rules);
  const states = new Map<Rule, RuleState>();
  const seen = new Set<string>();
  const out: Detection[] = [];
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m; m = regex.exec(text)) {
    const at = m.index;
    const key = m[0].toLowerCase();
    // Triggers may overlap (`secretoken`): resume one character later, not after the match.
    regex.lastIndex = at + 1;
    if (keywordsAt && keywords.has(key)) keywordsAt.push(at);
    for (const { rule, trigger } of byTrigger.get(key) ?? []) {
      let state = states.get(rule);
      if (!state) states.set(rule, (state = { scannedTo: 0 }));
      for (const match of rule.match(text, at, trigger, state)) {
        const id = `${rule.id}:${match.start}`;
        if (seen.has(id)) continue;
        seen.add(id);
        out.push({ ...match, rule });
      }
    }
  }
  return out.sort((a, b) => a.start - b.start);
}
