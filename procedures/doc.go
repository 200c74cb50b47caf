// Package procedures owns the life-event engine: the bundled catalogue of
// life events (catalog/*.yaml, embedded, checked against catalog/schema.json
// and every shipped language at load time); conditions compiled and
// type-checked with expr-lang/expr, which read answers only (facts about the
// people concerned come in through questions the residence record or the
// card answers, else asked); every given answer used or refused; checks
// across answers; the plan — the applicable procedures in the order to do
// them, each with its reason, office, channel (and online window), who
// files, who attends, what a proxy needs, the card's secrets and deadline;
// deadlines counted as the law says (docs/domain/life-events.md) and moved
// past the office's closed days unless the catalogue cites why not; the
// forms of the online procedures (prefill with sources, dates named by
// meaning), the submission client of the intake, the checklist PDF and the
// iCalendar file. The interview (Interview) is the one way in for the
// window and the terminal, over a Drafts port the account implements (the
// sealed draft) or memory. What stands filed is compared with the plan
// (Plan.Changes): corrections and withdrawals of earlier receipts, nothing
// sent when nothing changed. What a proxy may do comes in once as data
// (Acting): the plan decides each procedure's limit, whether the bundle may
// be filed, and what goes in the letter of authorisation (Plan.ForLetter).
package procedures
