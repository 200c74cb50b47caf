package procedures

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/bundle"
)

// Intake is the municipality's application intake, as the app reaches it.
type Intake struct {
	URL  string // the intake's base URL (the profile's issuer or its "applications" service)
	HTTP *http.Client
	// Retries is how many times a submission is sent again after a network
	// failure or a server error (default 3); the bundle id makes every
	// retry safe.
	Retries int
	// Wait is the pause before a retry (default 1 s, doubling).
	Wait time.Duration
}

// Submit files a signed bundle: the same id, however often it is sent,
// is filed once. A refusal is a failure with the intake's code.
func (in *Intake) Submit(ctx context.Context, accessToken, jws, id string) (*bundle.SubmitResponse, error) {
	retries, wait := in.Retries, in.Wait
	if retries == 0 {
		retries = 3
	}
	if wait == 0 {
		wait = time.Second
	}
	var last error
	for attempt := 0; attempt <= retries; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, &failure.Error{Code: failure.Cancelled, Err: ctx.Err()}
			case <-time.After(wait):
			}
			wait *= 2
		}
		res, retry, err := in.submitOnce(ctx, accessToken, jws, id)
		if err == nil {
			return res, nil
		}
		last = err
		if !retry {
			return nil, err
		}
	}
	return nil, last
}

func (in *Intake) submitOnce(ctx context.Context, accessToken, jws, id string) (*bundle.SubmitResponse, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(in.URL, "/")+bundle.ApplicationsPath, strings.NewReader(jws))
	if err != nil {
		return nil, false, &failure.Error{Code: bundle.CodeSubmit, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	req.Header.Set("Content-Type", "application/jose")
	req.Header.Set(bundle.IdempotencyHeader, id)
	resp, err := in.HTTP.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, &failure.Error{Code: failure.Cancelled, Err: ctx.Err()}
		}
		return nil, true, &failure.Error{Code: bundle.CodeSubmit, Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, true, &failure.Error{Code: bundle.CodeSubmit, Err: err}
	}
	if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusCreated {
		var res bundle.SubmitResponse
		if err := json.Unmarshal(body, &res); err != nil || res.Bundle != id {
			return nil, true, failure.New(bundle.CodeSubmit, "the intake's answer is not a receipt for this bundle")
		}
		return &res, false, nil
	}
	return nil, resp.StatusCode >= 500, refusal(resp.StatusCode, body)
}

// refusal turns the intake's error answer into a failure.
func refusal(status int, body []byte) error {
	var e bundle.Error
	_ = json.Unmarshal(body, &e)
	if (strings.HasPrefix(e.Code, "BUNDLE-") || strings.HasPrefix(e.Code, "PROXY-")) && failure.IsRegistered(failure.Code(e.Code)) {
		return failure.Newf(failure.Code(e.Code), "HTTP %d: %s", status, e.Description)
	}
	// OAuth errors (token, scope) and the unexpected
	return failure.Newf(bundle.CodeSubmit, "HTTP %d %s: %s", status, e.Code, e.Description)
}

// Receipts lists the resident's receipts with their current status.
func (in *Intake) Receipts(ctx context.Context, accessToken string) ([]bundle.Receipt, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(in.URL, "/")+bundle.ApplicationsPath, nil)
	if err != nil {
		return nil, &failure.Error{Code: bundle.CodeSubmit, Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+accessToken)
	resp, err := in.HTTP.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return nil, &failure.Error{Code: failure.Cancelled, Err: err}
		}
		return nil, &failure.Error{Code: bundle.CodeSubmit, Err: err}
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, refusal(resp.StatusCode, body)
	}
	var rs []bundle.Receipt
	if err := json.Unmarshal(body, &rs); err != nil {
		return nil, failure.New(bundle.CodeSubmit, fmt.Sprintf("receipts: %v", err))
	}
	return rs, nil
}
