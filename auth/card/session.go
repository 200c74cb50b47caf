package card

import (
	"bytes"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
)

// Application identifiers (shared/CARD.md).
var (
	AIDJPKI         = []byte{0xD3, 0x92, 0xF0, 0x00, 0x26, 0x01, 0x00, 0x00, 0x00, 0x01}
	AIDInputSupport = []byte{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x08}
	AIDCardFace     = []byte{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x04, 0x02}
	AIDCommon       = []byte{0xD3, 0x92, 0x10, 0x00, 0x31, 0x00, 0x01, 0x01, 0x01, 0x00}
)

// Elementary files.
const (
	// JPKI AP
	EFSignCert   uint16 = 0x0001
	EFSignCACert uint16 = 0x0002
	EFToken      uint16 = 0x0006
	EFAuthCert   uint16 = 0x000A
	EFAuthCACert uint16 = 0x000B
	EFAuthKey    uint16 = 0x0017
	EFAuthPIN    uint16 = 0x0018
	EFSignKey    uint16 = 0x001A
	EFSignPIN    uint16 = 0x001B
	// input-support AP
	EFMyNumber   uint16 = 0x0001
	EFAttributes uint16 = 0x0002
	EFDigests    uint16 = 0x0003
	EFBasicInfo  uint16 = 0x0005
	EFInputPIN   uint16 = 0x0011
)

// Common AP record holding the card manufacture number.
const (
	CommonSerialSFI = 1
	CommonSerialRec = 1
	// CommonSerialOffset: the serial starts after a 2-byte header (one source only:
	// unverified against a real card).
	CommonSerialOffset = 2
	TokenLen           = 0x20
)

// Transport sends one command APDU and returns the raw response APDU.
// Implementations: PC/SC (package pcsc) and the in-process virtual card.
type Transport interface {
	Transmit(apdu []byte) ([]byte, error)
	ATR() []byte
	Reader() string
}

// Stats counts traffic in a session, for benchmarks and diagnostics.
type Stats struct {
	APDUs    int
	BytesOut int
	BytesIn  int
}

// Session runs card operations over one Transport (one card insertion). It is
// safe for concurrent use; operations are serialised.
type Session struct {
	mu    sync.Mutex
	t     Transport
	cache *Cache
	stats Stats

	// what the card currently has selected, to skip redundant SELECTs
	app []byte
	ef  uint16
	// verified records which secret was verified in the current app selection
	verified Secret

	serial string
	kind   Kind
}

// NewSession wraps a transport. cache may be nil (no caching).
func NewSession(t Transport, cache *Cache) *Session {
	return &Session{t: t, cache: cache}
}

// Transport returns the underlying transport.
func (s *Session) Transport() Transport { return s.t }

// Stats returns the traffic counters.
func (s *Session) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stats
}

// transmit sends a command, following 61xx (GET RESPONSE) and 6Cxx (wrong Le).
func (s *Session) transmit(c Command) (Response, error) {
	raw, err := c.Bytes()
	if err != nil {
		return Response{}, err
	}
	var data []byte
	for range 16 {
		s.stats.APDUs++
		s.stats.BytesOut += len(raw)
		out, err := s.t.Transmit(raw)
		if err != nil {
			s.forget()
			return Response{}, err
		}
		s.stats.BytesIn += len(out)
		r, err := ParseResponse(out)
		if err != nil {
			return Response{}, err
		}
		switch r.SW1() {
		case 0x61:
			data = append(data, r.Data...)
			le := int(r.SW2())
			if le == 0 {
				le = 256
			}
			raw, _ = GetResponse(le).Bytes()
			continue
		case 0x6C:
			c.Le = int(r.SW2())
			if c.Le == 0 {
				c.Le = 256
			}
			raw, _ = c.Bytes()
			continue
		}
		r.Data = append(data, r.Data...)
		return r, nil
	}
	return Response{}, &Error{Code: CodeProtocol, Detail: "response chaining did not end"}
}

// forget drops the selection state, e.g. after a transport error.
func (s *Session) forget() {
	s.app = nil
	s.ef = 0
	s.verified = ""
}

func (s *Session) selectApp(aid []byte) error {
	if bytes.Equal(s.app, aid) {
		return nil
	}
	r, err := s.transmit(SelectDF(aid))
	if err != nil {
		return err
	}
	if r.SW != SWOK {
		s.forget()
		return swError(r.SW, "select AP "+hex.EncodeToString(aid))
	}
	s.app, s.ef, s.verified = aid, 0, ""
	return nil
}

func (s *Session) selectEF(aid []byte, fid uint16) error {
	if err := s.selectApp(aid); err != nil {
		return err
	}
	if s.ef == fid {
		return nil
	}
	r, err := s.transmit(SelectEF(fid))
	if err != nil {
		return err
	}
	if r.SW != SWOK {
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
	r, err := s.transmit(ReadBinary(uint16(off), le))
	if err != nil {
		return nil, err
	}
	if r.SW == SWEndOfFile && allowShort {
		return r.Data, nil
	}
	if r.SW != SWOK {
		return nil, swError(r.SW, fmt.Sprintf("read binary at %d", off))
	}
	return r.Data, nil
}

func (s *Session) readFixed(n int) ([]byte, error) {
	return s.readBinary(0, n, true)
}

// Serial returns the card manufacture number from the common AP, used as the
// cache key for this card.
func (s *Session) Serial() (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.serialLocked()
}

func (s *Session) serialLocked() (string, error) {
	if s.serial != "" {
		return s.serial, nil
	}
	if err := s.selectApp(AIDCommon); err != nil {
		return "", err
	}
	r, err := s.transmit(ReadRecord(CommonSerialRec, CommonSerialSFI))
	if err != nil {
		return "", err
	}
	if r.SW != SWOK {
		return "", swError(r.SW, "read record (serial)")
	}
	if len(r.Data) <= CommonSerialOffset {
		return "", dataErr("serial record of %d bytes", len(r.Data))
	}
	s.serial = string(bytes.TrimRight(r.Data[CommonSerialOffset:], " \x00"))
	return s.serial, nil
}

// Identify tells what card this is from the JPKI token EF, and reads the
// card's serial for caching. A card without the JPKI AP is KindUnknown.
func (s *Session) Identify() (Kind, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kind != KindUnknown {
		return s.kind, nil
	}
	if err := s.selectEF(AIDJPKI, EFToken); err != nil {
		if CodeOf(err) == CodeFileNotFound {
			return KindUnknown, nil
		}
		return KindUnknown, err
	}
	b, err := s.readFixed(TokenLen)
	if err != nil {
		return KindUnknown, err
	}
	s.kind = ParseToken(b)
	if s.kind == KindMyNumberCard {
		if _, err := s.serialLocked(); err != nil && CodeOf(err) != CodeFileNotFound {
			return s.kind, err
		}
	}
	return s.kind, nil
}

// CertFile names a certificate EF of the JPKI AP.
type CertFile uint16

const (
	CertAuth   = CertFile(EFAuthCert)
	CertAuthCA = CertFile(EFAuthCACert)
	CertSign   = CertFile(EFSignCert)
	CertSignCA = CertFile(EFSignCACert)
)

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
func (s *Session) ReadCertificate(which CertFile) (*x509.Certificate, error) {
	if which == CertSign {
		return nil, &Error{Code: CodeSecurityStatus, Detail: "the signature certificate needs the signing password"}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readCertLocked(which)
}

func (s *Session) readCertLocked(which CertFile) (*x509.Certificate, error) {
	// The signature certificate carries personal data and is read only after
	// the signing password: it is never cached.
	cacheable := which != CertSign
	if c := s.cache.get(s.serial, which); cacheable && c != nil {
		return c, nil
	}
	if err := s.selectEF(AIDJPKI, uint16(which)); err != nil {
		if CodeOf(err) == CodeFileNotFound && (which == CertSign || which == CertSignCA) {
			return nil, &Error{Code: CodeNoSignCert, SW: SWFileNotFound, Detail: "no signature certificate on this card"}
		}
		return nil, err
	}
	der, err := s.readFile(DERLength, maxCertSize)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, &Error{Code: CodeCardData, Detail: "certificate " + which.String(), Err: err}
	}
	if cacheable {
		s.cache.put(s.serial, which, cert)
	}
	return cert, nil
}

// ReadSignCertificate verifies the signing password and reads the signature
// certificate (which carries name, address, birth date and sex).
func (s *Session) ReadSignCertificate(pw PIN, confirmLastTry bool) (*x509.Certificate, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.verifyLocked(SecretSignPassword, pw, confirmLastTry); err != nil {
		return nil, err
	}
	return s.readCertLocked(CertSign)
}

// TriesLeft asks the card how many tries remain for the secret without
// consuming one. 0 means blocked.
func (s *Session) TriesLeft(sec Secret) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.triesLeftLocked(sec)
}

func (s *Session) triesLeftLocked(sec Secret) (int, error) {
	if err := s.selectEF(sec.app(), sec.pinEF()); err != nil {
		if CodeOf(err) == CodeFileNotFound && sec == SecretSignPassword {
			return 0, &Error{Code: CodeNoSignCert, SW: SWFileNotFound, Secret: sec, Detail: "no signing password on this card"}
		}
		return 0, err
	}
	r, err := s.transmit(VerifyStatus())
	if err != nil {
		return 0, err
	}
	switch {
	case r.SW&0xFFF0 == 0x63C0:
		return int(r.SW & 0xF), nil
	case r.SW == SWAuthBlocked || r.SW == SWRefDataInvalidated:
		return 0, nil
	case r.SW == SWOK: // already verified in this selection
		return sec.MaxTries(), nil
	}
	return 0, swError(r.SW, "retry counter")
}

// Verify presents the secret. It checks the format first (no try spent on a
// typo), asks the retry counter, refuses to spend the last try unless
// confirmLastTry is set, and wipes pin before returning.
func (s *Session) Verify(sec Secret, pin PIN, confirmLastTry bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.verifyLocked(sec, pin, confirmLastTry)
}

func (s *Session) verifyLocked(sec Secret, pin PIN, confirmLastTry bool) error {
	defer pin.Wipe()
	if err := pin.Validate(sec); err != nil {
		return err
	}
	tries, err := s.triesLeftLocked(sec)
	if err != nil {
		return err
	}
	if tries == 0 {
		return &Error{Code: CodePINBlocked, Secret: sec}
	}
	if tries == 1 && !confirmLastTry {
		return &Error{Code: CodeLastTryUnconfirmed, Secret: sec, TriesLeft: 1}
	}
	r, err := s.transmit(VerifyPIN(pin))
	if err != nil {
		return err
	}
	if r.SW != SWOK {
		e := swError(r.SW, "verify")
		var ce *Error
		if errors.As(e, &ce) {
			ce.Secret = sec
		}
		return e
	}
	s.verified = sec
	return nil
}

// ChangePIN verifies the old secret and sets the new one. Both are wiped.
func (s *Session) ChangePIN(sec Secret, old, newPIN PIN, confirmLastTry bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	defer newPIN.Wipe()
	if err := newPIN.Validate(sec); err != nil {
		old.Wipe()
		return err
	}
	if err := s.verifyLocked(sec, old, confirmLastTry); err != nil {
		return err
	}
	r, err := s.transmit(ChangeReferenceData(newPIN))
	if err != nil {
		return err
	}
	if r.SW != SWOK {
		return swError(r.SW, "change reference data")
	}
	return nil
}

// ReadAttributes verifies the input-support PIN and reads the four attributes.
func (s *Session) ReadAttributes(pin PIN, confirmLastTry bool) (Attributes, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.verifyLocked(SecretInputPIN, pin, confirmLastTry); err != nil {
		return Attributes{}, err
	}
	if err := s.selectEF(AIDInputSupport, EFAttributes); err != nil {
		return Attributes{}, err
	}
	b, err := s.readFile(tlvSize, 4096)
	if err != nil {
		return Attributes{}, err
	}
	return ParseAttributes(b)
}

// ReadMyNumber verifies the input-support PIN and reads the individual number.
// Call it only when a procedure legally needs the number.
func (s *Session) ReadMyNumber(pin PIN, confirmLastTry bool) (MyNumber, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.verifyLocked(SecretInputPIN, pin, confirmLastTry); err != nil {
		return MyNumber{}, err
	}
	if err := s.selectEF(AIDInputSupport, EFMyNumber); err != nil {
		return MyNumber{}, err
	}
	b, err := s.readFixed(MyNumberFileLen)
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
	_, l, h, err := ParseTLVHeader(b)
	return h + l, err
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
		return EFSignKey
	}
	return EFAuthKey
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
func (s *Session) SignDigestInfo(key Key, digestInfo []byte, pin PIN, confirmLastTry bool) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.verifyLocked(key.secret(), pin, confirmLastTry); err != nil {
		return nil, err
	}
	if err := s.selectEF(AIDJPKI, key.ef()); err != nil {
		return nil, err
	}
	r, err := s.transmit(ComputeSignature(digestInfo))
	if err != nil {
		return nil, err
	}
	if r.SW != SWOK {
		return nil, swError(r.SW, "compute digital signature")
	}
	if len(r.Data) != 256 {
		return nil, dataErr("signature of %d bytes, want 256", len(r.Data))
	}
	return r.Data, nil
}
