package generator

import (
	"strings"
)

// markdownAlways are the characters escaped wherever they are in a value
// written into the README: each may open Markdown or GitHub structure
// (code, emphasis, links, images, HTML, entities, headings, tables,
// strikethrough, math, footnotes) or, with : and @, a bare URL or address
// that GitHub turns into a link. A backslash before any ASCII punctuation
// shows it as it is.
const markdownAlways = "\\`*_[]<>&#|~$:@!^{}"

// markdownText renders free text as Markdown text that shows it as it is:
// each line trimmed (leading spaces would make code, trailing ones a line
// break), the characters of markdownAlways escaped, and at a line's start
// the ones that open a list, a thematic break or a setext heading (- + = and
// the . or ) after digits). Line breaks stay: lines of one paragraph, or a
// blank line between two. "www." is escaped so it does not start a link.
func markdownText(s string) string {
	lines := strings.Split(s, "\n")
	for i, line := range lines {
		lines[i] = markdownLine(strings.TrimSpace(line))
	}
	return strings.Join(lines, "\n")
}

func markdownLine(line string) string {
	var b strings.Builder
	digits := 0
	for i, r := range line {
		switch {
		case r < 0x80 && strings.ContainsRune(markdownAlways, r):
			b.WriteByte('\\')
		case i == 0 && (r == '-' || r == '+' || r == '='):
			b.WriteByte('\\')
		case i == digits && i > 0 && (r == '.' || r == ')'):
			b.WriteByte('\\')
		case r == '.' && i >= 3 && strings.EqualFold(line[i-3:i], "www"):
			b.WriteByte('\\')
		}
		if r >= '0' && r <= '9' && i == digits {
			digits++
		}
		b.WriteRune(r)
	}
	return b.String()
}

// codeSpan renders text as a Markdown code span: delimited by one backtick
// more than the longest run inside, padded with a space where the text
// starts or ends with a backtick.
func codeSpan(s string) string {
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// htmlCommentText keeps text inside an HTML comment: without a > nothing
// in it can close the comment (-->, --!>).
func htmlCommentText(s string) string {
	return strings.ReplaceAll(s, ">", "&gt;")
}
