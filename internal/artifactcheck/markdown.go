package artifactcheck

import (
	"bytes"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown is CommonMark with GitHub's extensions (tables, strikethrough,
// task lists, bare URLs as links), as a repository host renders a README.
// Raw HTML is not copied: it renders as a comment that says so.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// MarkdownHTML renders a Markdown document to HTML.
func MarkdownHTML(src []byte) (string, error) {
	var b bytes.Buffer
	err := markdown.Convert(src, &b)
	return b.String(), err
}

// EscapeHTML escapes text as the renderer escapes text content.
func EscapeHTML(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}
