package server

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// offsetOf reads a list page's ?offset= (never negative).
func offsetOf(c *fiber.Ctx) int {
	offset, _ := strconv.Atoi(c.Query("offset"))
	return max(offset, 0)
}

// pageLinks are the links to the previous and next pages of a list shown
// size rows at a time from offset; "" where there is none. base is the
// list's path with its other query parameters.
func pageLinks(base string, offset, size, total int) (prev, next string) {
	sep := "?"
	if strings.Contains(base, "?") {
		sep = "&"
	}
	if offset > 0 {
		prev = base + sep + "offset=" + strconv.Itoa(max(offset-size, 0))
	}
	if offset+size < total {
		next = base + sep + "offset=" + strconv.Itoa(offset+size)
	}
	return prev, next
}
