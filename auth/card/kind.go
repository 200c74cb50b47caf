package card

import "madoguchi/protocol/mynacard"

// Kind is the kind of card, identified from the JPKI token EF
// (protocol/mynacard).
type Kind = mynacard.Kind

// Kinds of card.
const (
	KindUnknown        = mynacard.KindUnknown
	KindMyNumberCard   = mynacard.KindMyNumberCard
	KindJukiCard       = mynacard.KindJukiCard
	KindSmartphoneJPKI = mynacard.KindSmartphoneJPKI
)
