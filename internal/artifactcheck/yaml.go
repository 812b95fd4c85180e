package artifactcheck

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// FlattenYAML reads a single-document YAML file and returns every scalar
// by its path (metadata.name, spec.template.spec.containers[0].image),
// with its value as the YAML parser reads it.
func FlattenYAML(data []byte) (map[string]string, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("more than one document (%v)", err)
	}
	out := map[string]string{}
	var walk func(n *yaml.Node, path string) error
	walk = func(n *yaml.Node, path string) error {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				if err := walk(c, path); err != nil {
					return err
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i]
				if k.Kind != yaml.ScalarNode {
					return fmt.Errorf("%s: a key that is not a scalar", path)
				}
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if _, dup := out[p]; dup {
					return fmt.Errorf("%s twice", p)
				}
				if err := walk(n.Content[i+1], p); err != nil {
					return err
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if err := walk(c, path+"["+strconv.Itoa(i)+"]"); err != nil {
					return err
				}
			}
		case yaml.ScalarNode:
			out[path] = n.Value
		case yaml.AliasNode:
			return fmt.Errorf("%s: an alias", path)
		}
		return nil
	}
	return out, walk(&doc, "")
}
