/**
 * One pass over the text finds every trigger of every rule (a single regex of literals, no
 * quantifiers, so no backtracking); each rule then looks only around its triggers.
 */
import type { Rule, RuleMatch, RuleState } from './types';

export interface Detection extends RuleMatch {
  rule: Rule;
}

interface Compiled {
  regex: RegExp;
  /** Lowercased trigger text → the rules (and the trigger as they declared it) it starts. */
  byTrigger: Map<string, Array<{ rule: Rule; trigger: string }>>;
}

const compiled = new WeakMap<readonly Rule[], Compiled>();

function escape(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function caseless(keyword: string): string {
  return [...keyword].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : escape(c))).join('');
}

function compile(rules: readonly Rule[]): Compiled {
  const cached = compiled.get(rules);
  if (cached) return cached;
  const patterns = new Set<string>();
  const byTrigger: Compiled['byTrigger'] = new Map();
  const add = (trigger: string, pattern: string, rule: Rule) => {
    patterns.add(pattern);
    const key = trigger.toLowerCase();
    byTrigger.set(key, [...(byTrigger.get(key) ?? []), { rule, trigger }]);
  };
  for (const rule of rules) {
    for (const t of rule.triggers) add(t, escape(t), rule);
    for (const k of rule.keywords ?? []) add(k, caseless(k), rule);
  }
  const result = { regex: new RegExp([...patterns].join('|'), 'g'), byTrigger };
  compiled.set(rules, result);
  return result;
}

/** All rule matches in `text` (latin1-decoded bytes), ordered by offset, one per rule and offset. */
export function detect(text: string, rules: readonly Rule[]): Detection[] {
  const { regex, byTrigger } = compile(rules);
  const states = new Map<Rule, RuleState>();
  const seen = new Set<string>();
  const out: Detection[] = [];
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m; m = regex.exec(text)) {
    const at = m.index;
    for (const { rule, trigger } of byTrigger.get(m[0].toLowerCase()) ?? []) {
      let state = states.get(rule);
      if (!state) states.set(rule, (state = { scannedTo: 0 }));
      for (const match of rule.match(text, at, trigger, state)) {
        const key = `${rule.id}:${match.start}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ...match, rule });
      }
    }
    // Triggers may overlap (`secretoken`): resume one character later, not after the match.
    regex.lastIndex = at + 1;
  }
  return out.sort((a, b) => a.start - b.start);
}
