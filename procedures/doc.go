// Package procedures will own the life-event engine: the bundled catalogue
// (procedures, conditions, deadlines as data, legal-basis notes), eligibility,
// prefill from the card and certificates, validation, the signed bundle,
// submission with idempotency keys, and status. Nothing is implemented yet;
// see shared/LIFE-EVENTS.md and the roadmap in shared/DESIGN.md.
package procedures
