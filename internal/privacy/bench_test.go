package privacy

import "testing"

// BenchmarkNormalizeQuery: K003 normalizes every listed statement; a report of 1,000
// statements costs 1,000 of these.
func BenchmarkNormalizeQuery(b *testing.B) {
	q := `SELECT o.id, c.email FROM orders o JOIN customers c ON c.id = o.customer_id
	      WHERE o.status = 'paid' AND o.amount > 100.5 AND c.email LIKE '%@example.com' /* req 42 */
	      ORDER BY o.id DESC LIMIT 50`
	for b.Loop() {
		NormalizeQuery(q)
	}
}
