package fetch

import "testing"

// TestGuardControl checks the dialer's Control function itself; it opens
// no socket.
func TestGuardControl(t *testing.T) {
	for _, tc := range []struct {
		addr    string
		blocked bool
	}{
		{"93.184.215.14:80", false},
		{"8.8.8.8:443", false},
		{"[2606:4700::1111]:443", false},
		{"[64:ff9b::808:808]:80", false}, // NAT64 of 8.8.8.8
		{"127.0.0.1:80", true},
		{"10.0.0.1:80", true},
		{"10.255.255.255:80", true},
		{"172.31.0.1:80", true},
		{"192.168.0.1:80", true},
		{"169.254.169.254:80", true},
		{"100.64.0.1:80", true},
		{"100.127.255.255:80", true},
		{"0.0.0.0:80", true},
		{"0.1.2.3:80", true},
		{"224.0.0.251:5353", true},
		{"239.255.255.250:1900", true},
		{"255.255.255.255:80", true},
		{"240.0.0.1:80", true},
		{"198.18.0.1:80", true},
		{"[::]:80", true},
		{"[::1]:80", true},
		{"[::ffff:10.0.0.1]:80", true},
		{"[::ffff:169.254.169.254]:80", true},
		{"[64:ff9b::a9fe:a9fe]:80", true},
		{"[2002:7f00:1::]:80", true},
		{"[fc00::1]:80", true},
		{"[fdff:ffff::1]:80", true},
		{"[fe80::1%lo]:80", true},
		{"[ff02::1]:80", true},
		{"[2001:db8::1]:80", true},
		{"example.com:80", true}, // not an address: never dialled by name
	} {
		t.Run(tc.addr, func(t *testing.T) {
			err := guardControl("tcp", tc.addr, nil)
			if (err != nil) != tc.blocked {
				t.Fatalf("guardControl(%s)=%v, want blocked=%v", tc.addr, err, tc.blocked)
			}
		})
	}
}

func TestHostList(t *testing.T) {
	var l HostList
	if err := l.Set(" Wiki.Intranet , 10.1.2.3:8080,[::1]:9000,, [fd00::5] "); err != nil {
		t.Fatal(err)
	}
	if got, want := l.String(), "wiki.intranet,10.1.2.3:8080,[::1]:9000,fd00::5"; got != want {
		t.Fatalf("String()=%q, want %q", got, want)
	}
	for _, tc := range []struct {
		hostport string
		want     bool
	}{
		{"wiki.intranet:80", true},
		{"WIKI.intranet:8443", true},
		{"wiki.intranet.evil.example:80", false},
		{"intranet:80", false},
		{"10.1.2.3:8080", true},
		{"10.1.2.3:80", false},
		{"[::1]:9000", true},
		{"[::1]:9001", false},
		{"[fd00::5]:443", true},
		{"127.0.0.1:9000", false},
	} {
		if got := l.allows(tc.hostport); got != tc.want {
			t.Errorf("allows(%q)=%v, want %v", tc.hostport, got, tc.want)
		}
	}
	for _, bad := range []string{"http://wiki", "wiki/path", "wiki:http", "wiki:0", "wiki:70000", "user@wiki", "a b", "fd00::5:x:y:80:"} {
		var l HostList
		if err := l.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted %v, want an error", bad, l)
		}
	}
}
