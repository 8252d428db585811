package encode

// SSH transport: banners, the binary packets of key exchange in the clear, then
// encrypted packets.

// SSHBanner appends an identification line.
func SSHBanner(b []byte, id string) []byte {
	return append(append(b, clipN(id, 200)...), '\r', '\n')
}

// sshPacket wraps payload (already appended after start+5) in the binary packet
// framing: length, padding length and at least four bytes of padding to a multiple of 8.
func sshStart(b []byte) ([]byte, int) {
	return append(b, 0, 0, 0, 0, 0), len(b)
}

func sshEnd(b []byte, start int, f *Filler) []byte {
	payload := len(b) - start - 5
	pad := 8 - (5+payload)%8
	if pad < 4 {
		pad += 8
	}
	b = f.Append(b, pad)
	be.PutUint32(b[start:], uint32(1+payload+pad))
	b[start+4] = byte(pad)
	return b
}

func sshNameList(b []byte, s string) []byte {
	return append(u32be(b, uint32(len(s))), s...)
}

func sshBlob(b []byte, n int, f *Filler) []byte {
	return f.Append(u32be(b, uint32(n)), n)
}

// SSHKexInit appends a KEXINIT with the algorithms a current OpenSSH offers.
func SSHKexInit(b []byte, f *Filler) []byte {
	b, st := sshStart(b)
	b = f.Append(append(b, 20), 16)
	b = sshNameList(b, "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group14-sha256")
	b = sshNameList(b, "ssh-rsa,rsa-sha2-512,rsa-sha2-256")
	for range 2 {
		b = sshNameList(b, "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com")
	}
	for range 2 {
		b = sshNameList(b, "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-256")
	}
	for range 2 {
		b = sshNameList(b, "none,zlib@openssh.com")
	}
	b = sshNameList(b, "")
	b = sshNameList(b, "")
	b = append(b, 0, 0, 0, 0, 0)
	return sshEnd(b, st, f)
}

// SSHKexECDHInit appends the client's curve25519 public key.
func SSHKexECDHInit(b []byte, f *Filler) []byte {
	b, st := sshStart(b)
	b = sshBlob(append(b, 30), 32, f)
	return sshEnd(b, st, f)
}

// SSHKexECDHReply appends the server's host key (RSA, 2048 bits), its ephemeral public
// key and the exchange hash signature (ssh-rsa, as the SSH servers of network devices
// still sign).
func SSHKexECDHReply(b []byte, f *Filler) []byte {
	b, st := sshStart(b)
	b = append(b, 31)
	keyAt := len(b)
	b = u32be(b, 0)
	b = sshNameList(b, "ssh-rsa")
	b = append(u32be(b, 3), 1, 0, 1) // e = 65537
	b = u32be(b, 257)                // n: a positive 2048-bit number
	b = append(b, 0, 0xc1)
	b = f.Append(b, 255)
	be.PutUint32(b[keyAt:], uint32(len(b)-keyAt-4))
	b = sshBlob(b, 32, f)
	b = u32be(b, 4+7+4+256)
	b = sshBlob(sshNameList(b, "ssh-rsa"), 256, f)
	return sshEnd(b, st, f)
}

// SSHNewKeys appends NEWKEYS.
func SSHNewKeys(b []byte, f *Filler) []byte {
	b, st := sshStart(b)
	return sshEnd(append(b, 21), st, f)
}

// SSHEncrypted appends one encrypted packet (chacha20-poly1305: length, payload and
// padding, 16-byte tag) of about n payload bytes.
func SSHEncrypted(b []byte, n int, f *Filler) []byte {
	n = (n+5+7)/8*8 - 4 + 4 + 16
	return f.Append(b, n)
}
