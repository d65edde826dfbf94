const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset"]);

/** The metric names a PromQL expression selects (function names, keywords and label names left out). */
export function metricNamesIn(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\boffset\s+-?\w+/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const rest = stripped.slice((match.index ?? 0) + match[0].length).trimStart();
    if (rest.startsWith("(") || KEYWORDS.has(match[0])) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** The label names an expression matches on or aggregates by. */
export function labelNamesIn(expression: string): string[] {
  const names = new Set<string>();
  for (const matchers of expression.matchAll(/\{([^}]*)\}/g)) {
    for (const label of (matchers[1] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) names.add(label[1] as string);
  }
  for (const grouping of expression.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
    for (const label of (grouping[1] ?? "").split(",")) if (label.trim()) names.add(label.trim());
  }
  return [...names];
}
