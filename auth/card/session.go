package card

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"madoguchi/i18n/failure"
	"madoguchi/protocol/mynacard"
)

// Transport sends one command APDU and returns the raw response APDU.
// Implementations: PC/SC (package pcsc) and the in-process virtual card.
type Transport interface {
	Transmit(apdu []byte) ([]byte, error)
	ATR() []byte
	Reader() string
}

// Transactor is implemented by transports shared with other programs (PC/SC
// in shared mode). Begin and End bracket a sequence of APDUs that no other
// program may interleave with (SCardBeginTransaction / SCardEndTransaction);
// Reconnect re-establishes the connection after another program reset the
// card (SCARD_W_RESET_CARD, reported by the transport as CodeCardReset).
type Transactor interface {
	Begin() error
	End() error
	Reconnect() error
}

// DefaultTimeout bounds one card operation (all its APDUs, and the wait for
// another program's transaction to end): a mute card gives CARD-TIMEOUT.
const DefaultTimeout = 10 * time.Second

// Stats counts traffic in a session, for benchmarks and diagnostics.
type Stats struct {
	APDUs    int
	BytesOut int
	BytesIn  int
}

// Session runs card operations over one Transport (one card insertion). It is
// safe for concurrent use; operations are serialised.
//
// Every operation runs in one transaction of its own (when the transport has
// them): the selection of the card is never trusted across operations, since
// another program may have selected something else in between; inside the
// transaction the application and the file are selected again before a
// counter is read or a PIN is sent, and the counter the last-try guard reads
// is that of the file the VERIFY goes to.
type Session struct {
	mu    sync.Mutex
	t     Transport
	stats Stats
	// Timeout bounds each operation; 0 means DefaultTimeout.
	Timeout time.Duration

	// ctx is the running operation's context (deadline and cancellation).
	ctx context.Context
	// what the card has selected in the current transaction
	app []byte
	ef  uint16
	// broken is set when an operation was abandoned with the transport still
	// blocked (timeout, cancellation): later operations fail with it.
	broken error
	// closed is set once Close was called.
	closed bool
	// abandoned is closed when the abandoned call has returned and the
	// transport was released.
	abandoned chan struct{}

	// verifies counts VERIFY commands that carried a secret (right, wrong or
	// unanswered): a change means the card's retry counters may have moved.
	verifies int

	// per insertion: the card's kind and its freely readable certificates
	kind  Kind
	certs map[CertFile]*x509.Certificate
}

// NewSession wraps a transport (one insertion of one card).
func NewSession(t Transport) *Session {
	return &Session{t: t, certs: map[CertFile]*x509.Certificate{}}
}

// Transport returns the underlying transport.
func (s *Session) Transport() Transport { return s.t }

// Stats returns the traffic counters.
func (s *Session) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// Close releases the transport. After an abandoned operation the transport is
// released by the goroutine still waiting on it, and Close does not block.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	if s.abandoned != nil {
		return nil
	}
	if c, ok := s.t.(Closer); ok {
		return c.Close()
	}
	return nil
}

// run executes op as one card operation: under the session lock, with a
// deadline, inside one transaction; a reset by another program makes it
// reconnect and start op again once.
func (s *Session) run(ctx context.Context, op func() error) error {
	if ctx == nil {
		ctx = context.Background()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrCardRemoved
	}
	if s.broken != nil {
		return s.broken
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s.ctx = ctx
	defer func() { s.ctx = nil }()
	for attempt := 1; ; attempt++ {
		err := s.transaction(op)
		if failure.CodeOf(err) != CodeCardReset {
			return err
		}
		tx, ok := s.t.(Transactor)
		if attempt == 2 || !ok {
			return &failure.Error{Code: CodeCardReset, Detail: "the card was reset by another program twice during one operation"}
		}
		if err := s.call(tx.Reconnect); err != nil {
			return err
		}
	}
}

func (s *Session) transaction(op func() error) (err error) {
	s.forget()
	tx, ok := s.t.(Transactor)
	if !ok {
		return op()
	}
	if err := s.call(tx.Begin); err != nil {
		return err
	}
	defer func() {
		if s.broken != nil {
			return // the abandoned call's goroutine ends the transaction
		}
		if eerr := tx.End(); err == nil && eerr != nil && failure.CodeOf(eerr) != CodeCardReset {
			err = eerr
		}
	}()
	return op()
}

// call runs one blocking transport call within the operation's deadline. If
// the deadline passes (a mute card, a program holding the card) or the
// operation is cancelled, the call is abandoned: the session is marked broken
// and the transport is released as soon as the call returns.
func (s *Session) call(fn func() error) error {
	if s.ctx == nil || s.ctx.Done() == nil {
		return fn()
	}
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		return err
	case <-s.ctx.Done():
	}
	var err error = &failure.Error{Code: CodeTimeout, Detail: "the card did not answer in time"}
	if !errors.Is(s.ctx.Err(), context.DeadlineExceeded) {
		err = &failure.Error{Code: CodeCancelled, Err: s.ctx.Err()}
	}
	s.broken = err
	released := make(chan struct{})
	s.abandoned = released
	t := s.t
	go func() {
		<-done
		if tx, ok := t.(Transactor); ok {
			_ = tx.End()
		}
		if c, ok := t.(Closer); ok {
			_ = c.Close()
		}
		close(released)
	}()
	return err
}

// Verifies is the number of VERIFY commands with a secret sent so far.
func (s *Session) Verifies() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verifies
}

// Released is closed once an abandoned operation's transport call returned
// and the transport was released (nil when nothing was abandoned).
func (s *Session) Released() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.abandoned
}

// transmit sends a command, following 61xx (GET RESPONSE) and 6Cxx (wrong Le).
// The encoded command is wiped after sending (it may carry a PIN).
func (s *Session) transmit(c mynacard.Command) (mynacard.Response, error) {
	raw, err := c.Bytes()
	if err != nil {
		return mynacard.Response{}, err
	}
	defer func() { wipe(raw) }()
	var data []byte
	for range 16 {
		s.stats.APDUs++
		s.stats.BytesOut += len(raw)
		var out []byte
		err := s.call(func() error {
			var terr error
			out, terr = s.t.Transmit(raw)
			return terr
		})
		if err != nil {
			s.forget()
			return mynacard.Response{}, err
		}
		s.stats.BytesIn += len(out)
		r, err := mynacard.ParseResponse(out)
		if err != nil {
			return mynacard.Response{}, wireErr(err)
		}
		switch r.SW1() {
		case 0x61:
			data = append(data, r.Data...)
			le := int(r.SW2())
			if le == 0 {
				le = 256
			}
			wipe(raw)
			raw, _ = mynacard.GetResponse(le).Bytes()
			continue
		case 0x6C:
			c.Le = int(r.SW2())
			if c.Le == 0 {
				c.Le = 256
			}
			wipe(raw)
			raw, _ = c.Bytes()
			continue
		}
		r.Data = append(data, r.Data...)
		return r, nil
	}
	return mynacard.Response{}, &failure.Error{Code: CodeProtocol, Detail: "response chaining did not end"}
}

// forget drops the selection state: at the start of every transaction, and
// after a transport error.
func (s *Session) forget() {
	s.app = nil
	s.ef = 0
}

func (s *Session) selectApp(aid []byte) error {
	if bytes.Equal(s.app, aid) {
		return nil
	}
	r, err := s.transmit(mynacard.SelectDF(aid))
	if err != nil {
		return err
	}
	if r.SW != mynacard.SWOK {
		s.forget()
		if r.SW == mynacard.SWFileNotFound {
			// the application is not on this card: not a My Number card
			return fail(CodeUnsupportedCard, r.SW, "no application "+hex.EncodeToString(aid))
		}
		return swError(r.SW, "select AP "+hex.EncodeToString(aid))
	}
	s.app, s.ef = aid, 0
	return nil
}

func (s *Session) selectEF(aid []byte, fid uint16) error {
	if err := s.selectApp(aid); err != nil {
		return err
	}
	if s.ef == fid {
		return nil
	}
	r, err := s.transmit(mynacard.SelectEF(fid))
	if err != nil {
		return err
	}
	if r.SW != mynacard.SWOK {
		s.ef = 0
		return swError(r.SW, fmt.Sprintf("select EF %04X", fid))
	}
	s.ef = fid
	return nil
}

// readFile reads the current EF whose length is given by the header of its
// first bytes (size from header), in 256-byte chunks: the first chunk is read
// in full so that most files need no extra header read.
func (s *Session) readFile(size func([]byte) (int, error), max int) ([]byte, error) {
	first, err := s.readBinary(0, 256, true)
	if err != nil {
		return nil, err
	}
	n, err := size(first)
	if err != nil {
		return nil, err
	}
	if n > max {
		return nil, dataErr("file claims %d bytes, limit %d", n, max)
	}
	if n <= len(first) {
		return first[:n], nil
	}
	buf := make([]byte, 0, n)
	buf = append(buf, first...)
	for len(buf) < n {
		le := min(n-len(buf), 256)
		chunk, err := s.readBinary(len(buf), le, false)
		if err != nil {
			return nil, err
		}
		if len(chunk) == 0 {
			return nil, dataErr("file ended at %d of %d bytes", len(buf), n)
		}
		buf = append(buf, chunk...)
	}
	return buf, nil
}

func (s *Session) readBinary(off, le int, allowShort bool) ([]byte, error) {
	if off > 0x7FFF {
		return nil, dataErr("offset %d beyond short READ BINARY", off)
	}
	r, err := s.transmit(mynacard.ReadBinary(uint16(off), le))
	if err != nil {
		return nil, err
	}
	if r.SW == mynacard.SWEndOfFile && allowShort {
		return r.Data, nil
	}
	if r.SW != mynacard.SWOK {
		return nil, swError(r.SW, fmt.Sprintf("read binary at %d", off))
	}
	return r.Data, nil
}

func (s *Session) readFixed(n int) ([]byte, error) {
	return s.readBinary(0, n, true)
}

// Identify tells what card this is from the JPKI token EF (3 APDUs, once per
// insertion). A card without the JPKI AP is KindUnknown.
func (s *Session) Identify(ctx context.Context) (Kind, error) {
	var kind Kind
	err := s.run(ctx, func() error {
		var err error
		kind, err = s.identifyLocked()
		return err
	})
	return kind, err
}

func (s *Session) identifyLocked() (Kind, error) {
	if s.kind != KindUnknown {
		return s.kind, nil
	}
	if err := s.selectEF(mynacard.AIDJPKI, mynacard.EFToken); err != nil {
		if c := failure.CodeOf(err); c == CodeFileNotFound || c == CodeUnsupportedCard {
			return KindUnknown, nil
		}
		return KindUnknown, err
	}
	b, err := s.readFixed(mynacard.TokenLen)
	if err != nil {
		return KindUnknown, err
	}
	s.kind = mynacard.ParseToken(b)
	return s.kind, nil
}

// CertFile names a certificate EF of the JPKI AP.
type CertFile uint16

const (
	CertAuth   = CertFile(mynacard.EFAuthCert)
	CertAuthCA = CertFile(mynacard.EFAuthCACert)
	CertSign   = CertFile(mynacard.EFSignCert)
	CertSignCA = CertFile(mynacard.EFSignCACert)
)

// PublicCerts are the certificates readable without a PIN.
var PublicCerts = []CertFile{CertAuth, CertAuthCA, CertSignCA}

func (c CertFile) String() string {
	switch c {
	case CertAuth:
		return "auth"
	case CertAuthCA:
		return "auth-ca"
	case CertSign:
		return "sign"
	case CertSignCA:
		return "sign-ca"
	}
	return fmt.Sprintf("EF%04X", uint16(c))
}

const maxCertSize = 8192

// ReadCertificate reads a freely readable certificate (auth, auth CA, sign CA).
// The signature certificate needs the signing password: use ReadSignCertificate.
func (s *Session) ReadCertificate(ctx context.Context, which CertFile) (*x509.Certificate, error) {
	if which == CertSign {
		return nil, &failure.Error{Code: CodeSecurityStatus, Detail: "the signature certificate needs the signing password"}
	}
	var cert *x509.Certificate
	err := s.run(ctx, func() error {
		var err error
		cert, err = s.readCertLocked(which)
		return err
	})
	return cert, err
}

// ReadCertificates reads several freely readable certificates in one
// transaction (one SELECT of the JPKI AP). errs[i] is set for a certificate
// that could not be read; a card fault (pulled out, reset, timeout) is the
// error of that certificate and of every one after it.
func (s *Session) ReadCertificates(ctx context.Context, which ...CertFile) (certs []*x509.Certificate, errs []error) {
	certs, errs = make([]*x509.Certificate, len(which)), make([]error, len(which))
	err := s.run(ctx, func() error {
		for i, f := range which {
			if f == CertSign {
				errs[i] = &failure.Error{Code: CodeSecurityStatus, Detail: "the signature certificate needs the signing password"}
				continue
			}
			c, err := s.readCertLocked(f)
			switch failure.CodeOf(err) {
			case "", CodeNoSignCert, CodeFileNotFound, CodeCardData:
				certs[i], errs[i] = c, err
			default:
				return err
			}
		}
		return nil
	})
	if err != nil {
		for i := range errs {
			if certs[i] == nil && errs[i] == nil {
				errs[i] = err
			}
		}
	}
	return certs, errs
}

func (s *Session) readCertLocked(which CertFile) (*x509.Certificate, error) {
	// The signature certificate carries personal data and is read only after
	// the signing password: it is never cached.
	cacheable := which != CertSign
	if c := s.certs[which]; cacheable && c != nil {
		return c, nil
	}
	if err := s.selectEF(mynacard.AIDJPKI, uint16(which)); err != nil {
		if failure.CodeOf(err) == CodeFileNotFound && (which == CertSign || which == CertSignCA) {
			return nil, fail(CodeNoSignCert, mynacard.SWFileNotFound, "no signature certificate on this card")
		}
		return nil, err
	}
	der, err := s.readFile(derSize, maxCertSize)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &failure.Error{Code: CodeCardData, Detail: "certificate " + which.String(), Err: err}
	}
	if cacheable {
		s.certs[which] = cert
	}
	return cert, nil
}

// ReadSignCertificate verifies the signing password and reads the signature
// certificate (which carries name, address, birth date and sex).
func (s *Session) ReadSignCertificate(ctx context.Context, pw PIN, confirmLastTry bool) (*x509.Certificate, error) {
	defer pw.Wipe()
	var cert *x509.Certificate
	err := s.run(ctx, func() error {
		if err := s.verifyLocked(SecretSignPassword, pw, confirmLastTry); err != nil {
			return err
		}
		var err error
		cert, err = s.readCertLocked(CertSign)
		return err
	})
	return cert, err
}

// TriesLeft asks the card how many tries remain for the secret without
// consuming one. 0 means blocked.
func (s *Session) TriesLeft(ctx context.Context, sec Secret) (int, error) {
	var n int
	err := s.run(ctx, func() error {
		var err error
		n, err = s.triesLeftLocked(sec)
		return err
	})
	return n, err
}

// Counter is one secret's retry counter (or why it could not be read).
type Counter struct {
	Secret    Secret
	TriesLeft int
	Err       error
}

// PINCounters reads the three retry counters in one transaction, grouped by
// application (8 APDUs), without spending a try. A counter that cannot be
// read (no signing password on a child's card) carries its error; a card
// fault ends the whole read.
func (s *Session) PINCounters(ctx context.Context) ([]Counter, error) {
	var out []Counter
	err := s.run(ctx, func() error {
		out = out[:0]
		for _, sec := range []Secret{SecretAuthPIN, SecretSignPassword, SecretInputPIN} { // JPKI AP first
			n, err := s.triesLeftLocked(sec)
			if err != nil && failure.CodeOf(err) != CodeNoSignCert {
				return err
			}
			out = append(out, Counter{Secret: sec, TriesLeft: n, Err: err})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	ordered := make([]Counter, 0, len(out))
	for _, sec := range Secrets {
		for _, c := range out {
			if c.Secret == sec {
				ordered = append(ordered, c)
			}
		}
	}
	return ordered, nil
}

func (s *Session) triesLeftLocked(sec Secret) (int, error) {
	if err := s.selectEF(sec.app(), sec.pinEF()); err != nil {
		if failure.CodeOf(err) == CodeFileNotFound && sec == SecretSignPassword {
			return 0, fail(CodeNoSignCert, mynacard.SWFileNotFound, "no signing password on this card").With(DataSecret, string(sec))
		}
		return 0, err
	}
	r, err := s.transmit(mynacard.VerifyStatus())
	if err != nil {
		return 0, err
	}
	switch {
	case r.SW&0xFFF0 == 0x63C0:
		return int(r.SW & 0xF), nil
	case r.SW == mynacard.SWAuthBlocked || r.SW == mynacard.SWRefDataInvalidated:
		return 0, nil
	case r.SW == mynacard.SWOK:
		return sec.MaxTries(), nil
	}
	return 0, swError(r.SW, "retry counter")
}

// Verify presents the secret. It checks the format first (no try spent on a
// typo), asks the retry counter, refuses to spend the last try unless
// confirmLastTry is set, and wipes pin before returning.
func (s *Session) Verify(ctx context.Context, sec Secret, pin PIN, confirmLastTry bool) error {
	defer pin.Wipe()
	return s.run(ctx, func() error { return s.verifyLocked(sec, pin, confirmLastTry) })
}

// verifyLocked selects the secret's application and PIN file, reads that
// file's counter and, if the guard allows, sends VERIFY to the same file —
// all inside the caller's transaction. The caller wipes pin (an operation
// restarted after a reset needs it again).
func (s *Session) verifyLocked(sec Secret, pin PIN, confirmLastTry bool) error {
	pin.Normalize(sec)
	if err := pin.Validate(sec); err != nil {
		return err
	}
	tries, err := s.triesLeftLocked(sec)
	if err != nil {
		return err
	}
	if tries == 0 {
		return secretFailure(CodePINBlocked, sec, 0)
	}
	if tries == 1 && !confirmLastTry {
		return secretFailure(CodeLastTryUnconfirmed, sec, 1)
	}
	s.verifies++
	r, err := s.transmit(mynacard.VerifyPIN(pin))
	if err != nil {
		return err
	}
	if r.SW != mynacard.SWOK {
		e := swError(r.SW, "verify")
		return e.With(DataSecret, string(sec))
	}
	return nil
}

// ChangePIN verifies the old secret and sets the new one. Both are wiped.
func (s *Session) ChangePIN(ctx context.Context, sec Secret, old, newPIN PIN, confirmLastTry bool) error {
	defer old.Wipe()
	defer newPIN.Wipe()
	newPIN.Normalize(sec)
	if err := newPIN.Validate(sec); err != nil {
		return err
	}
	return s.run(ctx, func() error {
		if err := s.verifyLocked(sec, old, confirmLastTry); err != nil {
			return err
		}
		r, err := s.transmit(mynacard.ChangeReferenceData(newPIN))
		if err != nil {
			return err
		}
		if r.SW != mynacard.SWOK {
			return swError(r.SW, "change reference data")
		}
		return nil
	})
}

// ReadAttributes verifies the input-support PIN and reads the four attributes.
func (s *Session) ReadAttributes(ctx context.Context, pin PIN, confirmLastTry bool) (Attributes, error) {
	a, _, err := s.ReadInputSupport(ctx, pin, confirmLastTry, false)
	return a, err
}

// ReadMyNumber verifies the input-support PIN and reads the individual number.
// Call it only when a procedure legally needs the number.
func (s *Session) ReadMyNumber(ctx context.Context, pin PIN, confirmLastTry bool) (MyNumber, error) {
	var mn MyNumber
	defer pin.Wipe()
	err := s.run(ctx, func() error {
		if err := s.verifyLocked(SecretInputPIN, pin, confirmLastTry); err != nil {
			return err
		}
		var err error
		mn, err = s.readMyNumberLocked()
		return err
	})
	return mn, err
}

// ReadInputSupport verifies the input-support PIN once and reads the four
// attributes and, only when withMyNumber, the My Number, in one transaction
// (6 APDUs, 8 with the number). pin is wiped.
func (s *Session) ReadInputSupport(ctx context.Context, pin PIN, confirmLastTry, withMyNumber bool) (Attributes, *MyNumber, error) {
	defer pin.Wipe()
	var a Attributes
	var mn *MyNumber
	err := s.run(ctx, func() error {
		a, mn = Attributes{}, nil
		if err := s.verifyLocked(SecretInputPIN, pin, confirmLastTry); err != nil {
			return err
		}
		if err := s.selectEF(mynacard.AIDInputSupport, mynacard.EFAttributes); err != nil {
			return err
		}
		b, err := s.readFile(tlvSize, 4096)
		if err != nil {
			return err
		}
		if a, err = ParseAttributes(b); err != nil {
			return err
		}
		if withMyNumber {
			n, err := s.readMyNumberLocked()
			if err != nil {
				return err
			}
			mn = &n
		}
		return nil
	})
	return a, mn, err
}

func (s *Session) readMyNumberLocked() (MyNumber, error) {
	if err := s.selectEF(mynacard.AIDInputSupport, mynacard.EFMyNumber); err != nil {
		return MyNumber{}, err
	}
	b, err := s.readFixed(mynacard.MyNumberFileLen)
	if err != nil {
		return MyNumber{}, err
	}
	defer wipe(b)
	return ParseMyNumber(b)
}

func wipe(b []byte) {
	for i := range b {
		b[i] = 0
	}
}

func tlvSize(b []byte) (int, error) {
	_, l, h, err := mynacard.ParseTLVHeader(b)
	return h + l, wireErr(err)
}

func derSize(b []byte) (int, error) {
	n, err := mynacard.DERLength(b)
	return n, wireErr(err)
}

// Key names a JPKI private key.
type Key int

const (
	KeyAuth Key = iota + 1 // user-authentication key, auth PIN
	KeySign                // signature key, signing password
)

func (k Key) String() string {
	if k == KeySign {
		return "sign"
	}
	return "auth"
}

func (k Key) secret() Secret {
	if k == KeySign {
		return SecretSignPassword
	}
	return SecretAuthPIN
}

// Secret is the secret that unlocks the key.
func (k Key) Secret() Secret { return k.secret() }

func (k Key) ef() uint16 {
	if k == KeySign {
		return mynacard.EFSignKey
	}
	return mynacard.EFAuthKey
}

// Cert is the certificate matching the key.
func (k Key) Cert() CertFile {
	if k == KeySign {
		return CertSign
	}
	return CertAuth
}

// SignDigestInfo verifies the key's secret and has the card sign a DER
// DigestInfo (PKCS#1 v1.5 padding is applied by the card). pin is wiped.
func (s *Session) SignDigestInfo(ctx context.Context, key Key, digestInfo []byte, pin PIN, confirmLastTry bool) ([]byte, error) {
	sig, _, err := s.Sign(ctx, key, digestInfo, pin, confirmLastTry, false)
	return sig, err
}

// Sign is SignDigestInfo that also returns the key's certificate when
// withCert is set — for the signature key read after the same VERIFY, so
// the signing password is sent once. pin is wiped.
func (s *Session) Sign(ctx context.Context, key Key, digestInfo []byte, pin PIN, confirmLastTry, withCert bool) ([]byte, *x509.Certificate, error) {
	var sig []byte
	var cert *x509.Certificate
	err := s.SignWithin(ctx, key, pin, confirmLastTry, withCert, func(c *x509.Certificate, sign func([]byte) ([]byte, error)) error {
		var err error
		cert = c
		sig, err = sign(digestInfo)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return sig, cert, nil
}

// SignWithin verifies the key's secret once and, in the same card
// transaction, hands fn the key's certificate (when withCert; for the
// signature key it is readable only now) and a sign function (a DigestInfo
// in, a PKCS#1 v1.5 signature out) — so a signed document can name the
// certificate that signs it (a JWS's x5c) with one VERIFY. fn may sign more
// than once; it must not block on a person. pin is wiped.
func (s *Session) SignWithin(ctx context.Context, key Key, pin PIN, confirmLastTry, withCert bool, fn func(cert *x509.Certificate, sign func(digestInfo []byte) ([]byte, error)) error) error {
	defer pin.Wipe()
	return s.run(ctx, func() error {
		if err := s.verifyLocked(key.secret(), pin, confirmLastTry); err != nil {
			return err
		}
		var cert *x509.Certificate
		if withCert {
			var err error
			if cert, err = s.readCertLocked(key.Cert()); err != nil {
				return err
			}
		}
		sign := func(digestInfo []byte) ([]byte, error) {
			if err := s.selectEF(mynacard.AIDJPKI, key.ef()); err != nil {
				return nil, err
			}
			r, err := s.transmit(mynacard.ComputeSignature(digestInfo))
			if err != nil {
				return nil, err
			}
			if r.SW != mynacard.SWOK {
				return nil, swError(r.SW, "compute digital signature")
			}
			if len(r.Data) != 256 {
				return nil, dataErr("signature of %d bytes, want 256", len(r.Data))
			}
			return r.Data, nil
		}
		return fn(cert, sign)
	})
}
