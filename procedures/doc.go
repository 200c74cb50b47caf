// Package procedures owns the life-event engine: the bundled catalogue of
// life events (catalog/*.yaml, embedded, checked against catalog/schema.json
// and every shipped language at load time), conditions compiled and
// type-checked with expr-lang/expr, questions asked only while relevant and
// filled from what is already known (the card, the residence record), and
// the plan — the applicable procedures in the order to do them, each with
// its reason, office, channel, signer and deadline. Deadlines are rules as
// data counted as the law says (first day excluded or included, months)
// on the office's calendar (weekends, national holidays, 12/29–1/3, the
// municipality's own closures). Still to come (issue 9): drafts, prefill
// ratio, the signed bundle, submission, status, checklists and calendars.
package procedures
