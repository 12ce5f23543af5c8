// The policies the paid-call tests share, so a test names the budget it relies on instead of
// carrying its own copy of the YAML.

/** paid_echo at most 5.00 a call and 10.00 a day. */
export const ECHO_BUDGET = `version: "1"
tools:
  paid_echo:
    rules:
      - name: "echo budget"
        spend:
          per_call: 5.00
          daily: 10.00
`;

/** ECHO_BUDGET under a global daily "*" budget of 12.00 across every tool. */
export const ECHO_AND_GLOBAL_BUDGET = `${ECHO_BUDGET}  "*":
    rules:
      - name: "global daily budget"
        spend:
          daily: 12.00
`;

/** Only the global daily "*" budget of `daily` (a decimal string). */
export function globalDailyBudget(daily: string): string {
  return `version: "1"
tools:
  "*":
    rules:
      - name: "global daily budget"
        spend:
          daily: ${daily}
`;
}
