// Package catalog is the shop's product list: a sibling package the
// handlers import, as in any real repository.
package catalog

import "sort"

// Item is one product.
type Item struct {
	SKU   string
	Price int // cents
}

// Catalog is an in-memory product list.
type Catalog struct {
	items map[string]Item
}

// New returns a catalog holding items.
func New(items ...Item) *Catalog {
	c := &Catalog{items: map[string]Item{}}
	for _, it := range items {
		c.items[it.SKU] = it
	}
	return c
}

// SKUs lists the products, sorted.
func (c *Catalog) SKUs() []string {
	out := make([]string, 0, len(c.items))
	for s := range c.items {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// Get returns the product with sku.
func (c *Catalog) Get(sku string) (Item, bool) {
	it, ok := c.items[sku]
	return it, ok
}
