package svcrt

import "bytes"

// requestFraming follows the boundaries of the HTTP/1.x requests in the bytes
// a client sends, as they are read: net/http reads ahead into its own buffer
// (a pipelined request, the start of a slow header) and reports neither, so
// the drain learns from this count whether a request has begun that no
// handler has seen yet. It reads only what framing needs: the end of the
// header, Content-Length, Transfer-Encoding: chunked and the chunk sizes.
// A request net/http rejects as malformed is answered and closed by
// net/http itself, so a framing that goes astray on it costs nothing.
type requestFraming struct {
	state   framingState
	length  int64 // body or chunk bytes still to come
	chunked bool
	// started counts the requests whose first byte was read.
	started int64
	// line holds the start of the line being read: enough for the header
	// names and values framing needs; lineLen is the line's whole length.
	line    [80]byte
	lineLen int
}

type framingState uint8

const (
	framingBetween   framingState = iota // before a request (CR and LF are skipped, as net/http does)
	framingHeader                        // request line and header lines
	framingBody                          // Content-Length bytes
	framingChunkSize                     // a chunk-size line
	framingChunkData                     // chunk bytes
	framingChunkEnd                      // the CRLF after a chunk
	framingTrailer                       // trailer lines after the last chunk
)

// feed advances the framing over p, the next bytes read from the client.
func (f *requestFraming) feed(p []byte) {
	for len(p) > 0 {
		switch f.state {
		case framingBetween:
			if p[0] == '\r' || p[0] == '\n' {
				p = p[1:]
				continue
			}
			f.started++
			f.state, f.length, f.chunked, f.lineLen = framingHeader, 0, false, 0
		case framingBody, framingChunkData:
			n := min(int64(len(p)), f.length)
			f.length -= n
			p = p[n:]
			if f.length == 0 {
				if f.state == framingBody {
					f.state = framingBetween
				} else {
					f.state = framingChunkEnd
				}
			}
		default: // a line
			i := bytes.IndexByte(p, '\n')
			part := p
			if i >= 0 {
				part = p[:i]
			}
			if f.lineLen < len(f.line) {
				copy(f.line[f.lineLen:], part)
			}
			f.lineLen += len(part)
			if i < 0 {
				return
			}
			p = p[i+1:]
			f.endLine()
		}
	}
}

// endLine acts on the line just read whole.
func (f *requestFraming) endLine() {
	line := f.line[:min(f.lineLen, len(f.line))]
	line = bytes.TrimSuffix(line, []byte("\r"))
	empty := f.lineLen == 0 || f.lineLen == 1 && f.line[0] == '\r'
	f.lineLen = 0
	switch f.state {
	case framingHeader:
		switch {
		case !empty:
			f.headerLine(line)
		case f.chunked:
			f.state = framingChunkSize
		case f.length > 0:
			f.state = framingBody
		default:
			f.state = framingBetween
		}
	case framingChunkSize:
		size, ok := chunkSize(line)
		switch {
		case !ok:
			f.state = framingBetween // malformed: net/http answers 400 and closes
		case size == 0:
			f.state = framingTrailer
		default:
			f.state, f.length = framingChunkData, size
		}
	case framingChunkEnd:
		f.state = framingChunkSize
	case framingTrailer:
		if empty {
			f.state = framingBetween
		}
	}
}

// headerLine notes Content-Length and a chunked Transfer-Encoding; the
// request line and every other header pass.
func (f *requestFraming) headerLine(line []byte) {
	if v, ok := headerValue(line, "content-length:"); ok {
		var n int64
		for _, b := range v {
			if b < '0' || b > '9' || n > 1<<50 {
				break
			}
			n = n*10 + int64(b-'0')
		}
		f.length = n
		return
	}
	if v, ok := headerValue(line, "transfer-encoding:"); ok {
		f.chunked = bytes.Contains(bytes.ToLower(v), []byte("chunked"))
	}
}

// headerValue returns the value of line if its name is name (lower case,
// with the colon), spaces trimmed.
func headerValue(line []byte, name string) ([]byte, bool) {
	if len(line) < len(name) || !bytes.EqualFold(line[:len(name)], []byte(name)) {
		return nil, false
	}
	return bytes.TrimSpace(line[len(name):]), true
}

// chunkSize parses the hexadecimal size at the start of a chunk-size line
// (extensions after ';' pass).
func chunkSize(line []byte) (int64, bool) {
	var n int64
	digits := 0
	for _, b := range line {
		var d byte
		switch {
		case b >= '0' && b <= '9':
			d = b - '0'
		case b >= 'a' && b <= 'f':
			d = b - 'a' + 10
		case b >= 'A' && b <= 'F':
			d = b - 'A' + 10
		default:
			return n, digits > 0
		}
		if n > 1<<50 {
			return 0, false
		}
		n = n<<4 | int64(d)
		digits++
	}
	return n, digits > 0
}
