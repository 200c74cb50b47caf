package cli

import (
	"context"
	"net"
	"strings"

	"github.com/spf13/pflag"

	"madoguchi/app/demo"
	"madoguchi/auth/card"
	"madoguchi/auth/pcsc"
	"madoguchi/i18n/failure"
)

// cardSource chooses the backend for CLI card commands.
type cardSource struct {
	virtual string
	reader  string
}

func (cs *cardSource) flags(fs *pflag.FlagSet) {
	fs.StringVar(&cs.virtual, "virtual", "", "use the in-process virtual card of sandbox resident `ID` instead of PC/SC")
	fs.StringVar(&cs.reader, "reader", "", "PC/SC reader `name` (default: the first with a card)")
}

// backend opens the chosen backend.
func (cs *cardSource) backend() (card.Backend, func(), error) {
	if cs.virtual != "" {
		d, err := demo.NewReader(cs.virtual)
		if err != nil {
			return nil, nil, err
		}
		return d.Backend(), func() {}, nil
	}
	b, err := pcsc.Open()
	if err != nil {
		return nil, nil, err
	}
	return b, func() { b.Close() }, nil
}

// pickReader chooses the reader for a CLI command. It never guesses: with
// cards in several readers the caller must name one (READER-CHOICE lists
// them), and a name that matches no reader says so and lists the readers
// (READER-UNKNOWN).
func pickReader(rs []card.ReaderStatus, want string) (string, error) {
	if len(rs) == 0 {
		return "", card.ErrNoReader
	}
	var names, withCard []string
	for _, r := range rs {
		names = append(names, r.Name)
		if r.CardPresent {
			withCard = append(withCard, r.Name)
		}
	}
	if want != "" {
		for _, r := range rs {
			if r.Name == want {
				if !r.CardPresent {
					return "", card.ErrNoCard
				}
				return r.Name, nil
			}
		}
		return "", failure.New(card.CodeReaderUnknown, "").With(card.DataReader, want).With(card.DataReaders, strings.Join(names, ", "))
	}
	switch len(withCard) {
	case 0:
		return "", card.ErrNoCard
	case 1:
		return withCard[0], nil
	}
	return "", failure.New(card.CodeReaderChoice, "").With(card.DataReaders, strings.Join(withCard, ", "))
}

// open connects to the card in the chosen reader. It does not identify the
// card separately: every operation selects its application, and a card
// without it fails with CARD-UNSUPPORTED. Use openIdentified to know the kind.
func (cs *cardSource) open(ctx context.Context) (*card.Session, func(), error) {
	b, closeB, err := cs.backend()
	if err != nil {
		return nil, nil, err
	}
	rs, err := b.Wait(ctx, nil)
	if err != nil {
		closeB()
		return nil, nil, err
	}
	name, err := pickReader(rs, cs.reader)
	if err != nil {
		closeB()
		return nil, nil, err
	}
	t, err := b.Connect(name)
	if err != nil {
		closeB()
		return nil, nil, err
	}
	s := card.NewSession(t)
	cleanup := func() {
		s.Close()
		closeB()
	}
	return s, cleanup, nil
}

// openIdentified is open, then identifies the card (3 APDUs) and refuses
// anything but a My Number card.
func (cs *cardSource) openIdentified(ctx context.Context) (*card.Session, func(), error) {
	s, cleanup, err := cs.open(ctx)
	if err != nil {
		return nil, nil, err
	}
	kind, err := s.Identify(ctx)
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	if kind != card.KindMyNumberCard {
		cleanup()
		return nil, nil, &failure.Error{Code: card.CodeUnsupportedCard, Detail: "card kind " + kind.String()}
	}
	return s, cleanup, nil
}

// loopbackAddr reports whether a listen address stays on this computer.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
