package server

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
)

// Errors of the HTTP layer itself, as domain errors so that one mapping
// serves them all.
var (
	errNotFound     = duijie.Errorf(duijie.ENOTFOUND, "页面不存在")
	errUnauthorized = &duijie.Error{Code: "unauthorized", Message: "请先登录"}
	errForbidden    = duijie.Errorf(duijie.EFORBIDDEN, "您的账号无权访问此页面")
	errCSRF         = duijie.Errorf(duijie.EFORBIDDEN, "页面已过期或来源不明，请刷新页面后重试")
	errCrossSite    = duijie.Errorf(duijie.EFORBIDDEN, "拒绝来自其他网站的请求")
	errMustChange   = duijie.Errorf(duijie.EFORBIDDEN, "请先修改系统发放的初始密码")
	errTooMany      = &duijie.Error{Code: "rate_limited", Message: "尝试过于频繁，请一分钟后再试"}
	errHeaderLarge  = &duijie.Error{Code: "header_too_large", Message: "请求头或网址过长"}
)

// status maps a domain error code to an HTTP status: the one place where
// that happens.
func status(code string) int {
	switch code {
	case duijie.EINVALID:
		return fiber.StatusUnprocessableEntity
	case duijie.ENOTFOUND:
		return fiber.StatusNotFound
	case duijie.ECONFLICT:
		return fiber.StatusConflict
	case duijie.EFORBIDDEN:
		return fiber.StatusForbidden
	case "unauthorized":
		return fiber.StatusUnauthorized
	case "rate_limited":
		return fiber.StatusTooManyRequests
	case "header_too_large":
		return fiber.StatusRequestHeaderFieldsTooLarge
	}
	return fiber.StatusInternalServerError
}

// handleError answers every error: JSON for the API, a Chinese page
// otherwise, with the request id; internal details go to the log only.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	// A request refused by fasthttp before any middleware (body, headers
	// or URL too large) comes here first: it gets its id and headers now
	// and its log line below.
	early := c.Locals(localRequestID) == nil
	rid := s.stamp(c)
	var fe *fiber.Error
	var de *duijie.Error
	switch {
	case errors.As(err, &de):
	case errors.As(err, &fe):
		de = fiberError(fe)
	default:
		de = duijie.Errorf(duijie.EINTERNAL, "系统内部错误，请稍后重试")
	}
	code := status(de.Code)
	if code >= 500 {
		s.log.ErrorContext(c.UserContext(), "internal error", "method", c.Method(), "path", c.Path(), "err", err)
	}
	if early {
		s.log.WarnContext(c.UserContext(), "request refused before routing", "method", c.Method(), "path", c.Path(), "err", err)
	}
	if isAPI(c) {
		body := fiber.Map{"error": fiber.Map{"code": de.Code, "message": de.Message, "request_id": rid}}
		if len(de.Fields) > 0 {
			body["error"].(fiber.Map)["fields"] = de.Fields
		}
		err := c.Status(code).JSON(body)
		noStoreJSON(c)
		return err
	}
	if code == fiber.StatusUnauthorized && (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) {
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	c.Status(code)
	return s.render(c, "error", &ErrorPage{Page: s.page(c, "出错了"), Status: code, Message: de.Message, RequestID: rid})
}

// fiberError turns Fiber's own errors (bad method, body too large …)
// into domain errors with Chinese messages.
func fiberError(fe *fiber.Error) *duijie.Error {
	switch fe.Code {
	case fiber.StatusNotFound:
		return errNotFound
	case fiber.StatusMethodNotAllowed:
		return &duijie.Error{Code: duijie.ENOTFOUND, Message: "不支持的请求方式"}
	case fiber.StatusRequestEntityTooLarge:
		return duijie.Errorf(duijie.EINVALID, "提交的内容太大")
	case fiber.StatusRequestHeaderFieldsTooLarge:
		return errHeaderLarge
	case fiber.StatusBadRequest, fiber.StatusUnprocessableEntity:
		return duijie.Errorf(duijie.EINVALID, "请求格式不正确")
	}
	if fe.Code >= 500 {
		return duijie.Errorf(duijie.EINTERNAL, "系统内部错误，请稍后重试")
	}
	return duijie.Errorf(duijie.EINVALID, "请求无法处理")
}
