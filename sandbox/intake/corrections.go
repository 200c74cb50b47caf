package intake

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"time"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/bundle"
)

// replaced tells the statuses of a receipt a later application replaced.
func replaced(status string) bool {
	return status == bundle.StatusSuperseded || status == bundle.StatusWithdrawn
}

// checkCorrections checks, inside the filing's transaction, that each
// correction or withdrawal of b refers to a receipt of the same resident
// and procedure that nothing has replaced yet (and that no two of them
// refer to the same one). Another resident's receipt is answered as no
// receipt at all.
func checkCorrections(ctx context.Context, tx *sql.Tx, b *bundle.Bundle) (int, error) {
	seen := map[string]bool{}
	for _, a := range b.Applications {
		if a.Kind == "" {
			continue
		}
		if seen[a.Corrects] {
			return http.StatusUnprocessableEntity, failure.Newf(bundle.CodeCorrection, "%s: receipt %s is referred to twice in this bundle", a.Procedure, a.Corrects).
				With("procedure", a.Procedure).With("corrects", a.Corrects)
		}
		seen[a.Corrects] = true
		var subject, procedure, status, by string
		err := tx.QueryRowContext(ctx, `SELECT subject, procedure, status, corrected_by FROM receipts WHERE number=?`, a.Corrects).
			Scan(&subject, &procedure, &status, &by)
		switch {
		case errors.Is(err, sql.ErrNoRows) || (err == nil && subject != b.Subject):
			return http.StatusUnprocessableEntity, failure.Newf(bundle.CodeCorrection, "%s: no receipt %s of this resident", a.Procedure, a.Corrects).
				With("procedure", a.Procedure).With("corrects", a.Corrects)
		case err != nil:
			return http.StatusInternalServerError, err
		case procedure != a.Procedure:
			return http.StatusUnprocessableEntity, failure.Newf(bundle.CodeCorrection, "%s: receipt %s is for %s, another procedure", a.Procedure, a.Corrects, procedure).
				With("procedure", a.Procedure).With("corrects", a.Corrects)
		case replaced(status) || by != "":
			return http.StatusConflict, failure.Newf(bundle.CodeCorrection, "%s: receipt %s is already %s by %s", a.Procedure, a.Corrects, status, by).
				With("procedure", a.Procedure).With("corrects", a.Corrects).With("corrected_by", by)
		case status == bundle.StatusCompleted || status == bundle.StatusRejected:
			// decided: a completed procedure is changed at the counter, a
			// rejected one filed anew — neither by correcting it online
			return http.StatusConflict, failure.Newf(bundle.CodeCorrection, "%s: receipt %s is %s; it is not corrected online", a.Procedure, a.Corrects, status).
				With("procedure", a.Procedure).With("corrects", a.Corrects)
		}
	}
	return 0, nil
}

// replace marks the receipt a correction or withdrawal (filed as number)
// refers to as superseded or withdrawn, with an audit entry.
func replace(ctx context.Context, tx *sql.Tx, a bundle.Application, number string, now time.Time) error {
	status, note := bundle.StatusSuperseded, "corrected by "+number
	if a.Kind == bundle.KindWithdrawal {
		status, note = bundle.StatusWithdrawn, "withdrawn by "+number
	}
	res, err := tx.ExecContext(ctx, `UPDATE receipts SET status=?, corrected_by=?, updated=? WHERE number=? AND corrected_by=''`,
		status, number, now.Unix(), a.Corrects)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("intake: receipt %s could not be replaced (%d rows, %v)", a.Corrects, n, err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit(receipt, status, note, at) VALUES(?,?,?,?)`, a.Corrects, status, note, now.Unix())
	return err
}
