package issuer

import (
	"testing"

	"madoguchi/protocol/sdjwt"
)

func TestAddressParts(t *testing.T) {
	for _, c := range []struct{ in, pref, muni, street string }{
		{"東京都千代田区霞が関二丁目1番2号 サンドボックス住宅101", "東京都", "千代田区", "霞が関二丁目1番2号 サンドボックス住宅101"},
		{"埼玉県さいたま市浦和区高砂三丁目15番1号", "埼玉県", "さいたま市浦和区", "高砂三丁目15番1号"},
		{"北海道札幌市中央区北1条西2丁目", "北海道", "札幌市中央区", "北1条西2丁目"},
	} {
		p := addressParts(c.in)
		get := func(k string) string { v, _ := p[k].(sdjwt.SD); s, _ := v.Value.(string); return s }
		if get("prefecture") != c.pref || get("municipality") != c.muni || get("street") != c.street {
			t.Errorf("%s: %q %q %q", c.in, get("prefecture"), get("municipality"), get("street"))
		}
	}
}
