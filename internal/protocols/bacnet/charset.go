package bacnet

import (
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// dbcsCodePages are the IBM/Microsoft code pages of double-byte character strings
// (character set 1, whose first two octets name the code page) decoded here: the
// Japanese, Chinese and Korean ones building controllers in those markets use.
var dbcsCodePages = map[uint16]encoding.Encoding{
	932: japanese.ShiftJIS,
	936: simplifiedchinese.GBK,
	949: korean.EUCKR,
	950: traditionalchinese.Big5,
}

// AppendUTF8 appends a character string value (the octets after the character set
// octet, as Value.Text returns them) to dst as UTF-8, converted from its character set
// (ANSI X3.4 and UTF-8, IBM/Microsoft DBCS of code pages 932, 936, 949 and 950, JIS X
// 0208, UCS-4 and UCS-2 big-endian, ISO 8859-1, the sets of the standard's clause
// 20.2.9). It returns false for a string that is not valid in its set or a set it does
// not know; the text is cut, on a character boundary, at dst's capacity.
func AppendUTF8(dst, text []byte, charset uint8) ([]byte, bool) {
	switch charset {
	case CharsetUTF8:
		if !utf8.Valid(text) {
			return dst, false
		}
		return appendCut(dst, text), true
	case CharsetISO88591:
		for _, b := range text {
			if len(dst)+utf8.RuneLen(rune(b)) > cap(dst) {
				break
			}
			dst = utf8.AppendRune(dst, rune(b))
		}
		return dst, true
	case CharsetUCS2:
		if len(text)%2 != 0 {
			return dst, false
		}
		for i := 0; i < len(text); i += 2 {
			r := rune(text[i])<<8 | rune(text[i+1])
			if utf16.IsSurrogate(r) && i+3 < len(text) {
				// Not UCS-2, but what UTF-16 writers send for characters past the BMP.
				r = utf16.DecodeRune(r, rune(text[i+2])<<8|rune(text[i+3]))
				i += 2
			}
			if r == utf8.RuneError || utf16.IsSurrogate(r) {
				return dst, false
			}
			if len(dst)+utf8.RuneLen(r) > cap(dst) {
				break
			}
			dst = utf8.AppendRune(dst, r)
		}
		return dst, true
	case CharsetUCS4:
		if len(text)%4 != 0 {
			return dst, false
		}
		for i := 0; i < len(text); i += 4 {
			r := rune(text[i])<<24 | rune(text[i+1])<<16 | rune(text[i+2])<<8 | rune(text[i+3])
			if !utf8.ValidRune(r) {
				return dst, false
			}
			if len(dst)+utf8.RuneLen(r) > cap(dst) {
				break
			}
			dst = utf8.AppendRune(dst, r)
		}
		return dst, true
	case CharsetDBCS:
		if len(text) < 2 {
			return dst, false
		}
		enc, ok := dbcsCodePages[uint16(text[0])<<8|uint16(text[1])]
		if !ok {
			return dst, false
		}
		return decodeWith(dst, text[2:], enc)
	case CharsetJISX0208:
		// JIS X 0208 codes are two octets of 0x21-0x7E; with their high bits set they are
		// the same characters in EUC-JP.
		if len(text)%2 != 0 || len(text) > 512 {
			return dst, false
		}
		var euc [512]byte
		for i, b := range text {
			if b < 0x21 || b > 0x7e {
				return dst, false
			}
			euc[i] = b | 0x80
		}
		return decodeWith(dst, euc[:len(text)], japanese.EUCJP)
	}
	return dst, false
}

// decodeWith decodes src with enc into the room left in dst; false when src holds
// octets that are no character of the set.
func decodeWith(dst, src []byte, enc encoding.Encoding) ([]byte, bool) {
	room := dst[len(dst):cap(dst)]
	n, _, err := enc.NewDecoder().Transform(room, src, true)
	if err != nil && n == 0 {
		return dst, false
	}
	out := room[:n]
	if !utf8.Valid(out) || containsRuneError(out) {
		return dst, false
	}
	return dst[:len(dst)+n], true
}

func containsRuneError(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError {
			return true
		}
		b = b[size:]
	}
	return false
}

// appendCut appends text to dst up to dst's capacity, cut on a character boundary.
func appendCut(dst, text []byte) []byte {
	room := cap(dst) - len(dst)
	if len(text) > room {
		text = text[:room]
		for len(text) > 0 && !utf8.Valid(text) {
			text = text[:len(text)-1]
		}
	}
	return append(dst, text...)
}
