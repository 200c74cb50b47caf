package account

import "context"

// SaveDraftForTest writes a draft as it is (tests simulate crashes).
func SaveDraftForTest(ctx context.Context, a *Account, d Draft) error { return a.saveDraft(ctx, d) }
