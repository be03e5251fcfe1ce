package server

import (
	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
	"duijie/internal/portal"
)

// route is one entry of the route table: what answers and who may call it.
// A request that matches no route is answered 404; there is no route
// without a policy.
type route struct {
	method, path string
	allow        policy
	handle       fiber.Handler
}

// policy lists the roles that may call a route; Public lets anyone in,
// signed in or not.
type policy struct {
	public bool
	roles  []duijie.Role
}

var (
	public     = policy{public: true}
	signedIn   = roles(duijie.Roles...)
	members    = roles(duijie.RoleEnterprise, duijie.RoleInstitute)
	enterprise = roles(duijie.RoleEnterprise)
	institute  = roles(duijie.RoleInstitute)
	broker     = roles(duijie.RoleBroker)
	sysadmin   = roles(duijie.RoleSysAdmin)
	auditor    = roles(duijie.RoleAuditor)
	secadmin   = roles(duijie.RoleSecAdmin)
	queueing   = roles(duijie.RoleEnterprise, duijie.RoleInstitute, duijie.RoleBroker)
	inviters   = roles(duijie.RoleEnterprise, duijie.RoleBroker)
	envoy      = roles(duijie.RoleEnvoy)
	envoyDesk  = roles(duijie.RoleEnvoy, duijie.RoleBroker)
)

func roles(rs ...duijie.Role) policy { return policy{roles: rs} }

// routes is the whole route table, pages then API.
func (s *Server) routes() []route {
	return []route{
		{"GET", "/", public, s.handleHome},
		// operations: liveness and readiness for the orchestrator
		{"GET", pathHealthz, public, s.handleHealthz},
		{"GET", pathReadyz, public, s.handleReadyz},
		// Prometheus, behind a bearer token (404 without it)
		{"GET", pathMetrics, public, s.handleMetrics},
		{"GET", "/login", public, s.handleLoginForm},
		{"POST", "/login", public, s.handleLogin},
		{"POST", "/logout", signedIn, s.handleLogout},
		{"GET", "/register", public, s.handleRegisterForm},
		{"POST", "/register", public, s.handleRegister},
		{"GET", "/account/password", signedIn, s.handlePasswordForm},
		{"POST", "/account/password", signedIn, s.handlePassword},
		{"GET", "/my", members, s.handleMine},

		{"GET", "/challenges", public, s.handleChallengeList},
		{"GET", "/challenges/new", enterprise, s.handleChallengeNew},
		{"POST", "/challenges/new", enterprise, s.handleChallengeCreate},
		{"GET", "/challenges/:id", public, s.handleChallengeShow},
		{"GET", "/challenges/:id/edit", enterprise, s.handleChallengeEdit},
		{"POST", "/challenges/:id/edit", enterprise, s.handleChallengeUpdate},
		{"POST", "/challenges/:id/status", enterprise, s.handleChallengeStatus},
		{"POST", "/challenges/:id/interest", institute, s.handleChallengeInterest},

		{"GET", "/capabilities", public, s.handleCapabilityList},
		{"GET", "/capabilities/new", institute, s.handleCapabilityNew},
		{"POST", "/capabilities/new", institute, s.handleCapabilityCreate},
		{"GET", "/capabilities/:id", public, s.handleCapabilityShow},
		{"GET", "/capabilities/:id/edit", institute, s.handleCapabilityEdit},
		{"POST", "/capabilities/:id/edit", institute, s.handleCapabilityUpdate},
		{"POST", "/capabilities/:id/status", institute, s.handleCapabilityStatus},
		{"POST", "/capabilities/:id/interest", enterprise, s.handleCapabilityInterest},

		// the broker's workflow: introductions, contracts, the inbox
		{"GET", "/introductions/:id", queueing, s.handleIntroShow},
		{"POST", "/introductions/:id/answer", members, s.handleIntroAnswer},
		{"POST", "/introductions/:id/stage", broker, s.handleIntroStage},
		{"POST", "/introductions/:id/take", broker, s.handleIntroTake},
		{"POST", "/introductions/:id/assign", broker, s.handleIntroAssign},
		{"POST", "/introductions/:id/notes", broker, s.handleIntroNote},
		{"POST", "/introductions/:id/contract", broker, s.handleIntroContract},
		{"POST", "/broker/introductions", broker, s.handleDispatch},
		{"GET", "/broker/queue", broker, s.handleQueue},
		{"GET", "/broker/workload", broker, s.handleWorkload},
		{"GET", "/broker/contracts", broker, s.handleContractList},
		{"GET", "/broker/contracts/new", broker, s.handleContractNew},
		{"POST", "/broker/contracts", broker, s.handleContractCreate},
		{"POST", "/broker/contracts/:id/register", broker, s.handleContractRegister},
		{"POST", "/challenges/:id/return", broker, s.handleReturn(portal.TypeChallenge, "/challenges/")},
		{"POST", "/capabilities/:id/return", broker, s.handleReturn(portal.TypeCapability, "/capabilities/")},
		{"POST", "/challenges/:id/invitations", inviters, s.handleInvite},
		{"POST", "/challenges/:id/invitations/:org/withdraw", inviters, s.handleUninvite},
		{"GET", "/admin/brokers", sysadmin, s.handleBrokerScopes},
		{"POST", "/admin/brokers/:id", sysadmin, s.handleBrokerScope},
		{"GET", "/inbox", signedIn, s.handleInbox},
		{"POST", "/inbox/read", signedIn, s.handleInboxReadAll},
		{"POST", "/inbox/:id", signedIn, s.handleInboxOpen},

		{"GET", "/broker/orgs", broker, s.handleOrgReviewList},
		{"POST", "/broker/orgs/:id", broker, s.handleOrgReview},
		{"POST", "/broker/contacts/:id", broker, s.handleContactReveal},
		{"GET", "/admin/users", sysadmin, s.handleUserList},
		{"POST", "/admin/users", sysadmin, s.handleUserCreate},
		{"GET", "/admin/audit", auditor, s.handleAuditLog},
		{"GET", "/security/users", secadmin, s.handleLockList},
		{"POST", "/security/users/:id/unlock", secadmin, s.handleUnlock},

		// account lifecycle
		{"GET", "/forgot-password", public, s.handleForgotPassword},
		{"GET", "/accounts", issuers, s.handleAccountList},
		{"POST", "/accounts/:id/password", issuers, s.handleIssuePassword},
		{"POST", "/admin/users/:id/status", sysadmin, s.handleUserStatus},
		{"POST", "/admin/users/:id/role", sysadmin, s.handleUserRole},

		// reports: the bureau's figures and the Excel exports
		{"GET", "/broker/dashboard", broker, s.handleDashboard},
		{"GET", "/broker/export/:kind.xlsx", broker, s.handleExport},
		// Excel in, and the audit log readable
		{"GET", "/broker/import", broker, s.handleImportForm},
		{"POST", "/broker/import", broker, s.handleImportUpload},
		{"GET", "/broker/import/template/:kind", broker, s.handleImportTemplate},
		{"GET", "/broker/import/:id", broker, s.handleImportShow},
		{"POST", "/broker/import/:id", broker, s.handleImportConfirm},
		{"GET", "/admin/audit/export", auditor, s.handleAuditExport},

		// events: 对接会
		{"GET", "/events", public, s.handleEventList},
		{"GET", "/events/new", broker, s.handleEventNew},
		{"POST", "/events", broker, s.handleEventCreate},
		{"GET", "/events/:id", public, s.handleEventShow},
		{"GET", "/events/:id/edit", broker, s.handleEventEdit},
		{"POST", "/events/:id/edit", broker, s.handleEventUpdate},
		{"POST", "/events/:id/status", broker, s.handleEventStatus},
		{"POST", "/events/:id/invitations", broker, s.handleEventInvite},
		{"POST", "/events/:id/register", members, s.handleEventRegister},
		{"POST", "/events/:id/parties/:party", queueing, s.handleEventAnswer},
		{"GET", "/events/:id/timetable", broker, s.handleEventTimetable},
		{"POST", "/events/:id/timetable", broker, s.handleEventGenerate},
		{"POST", "/events/:id/timetable/edit", broker, s.handleEventChange},
		{"POST", "/events/:id/timetable/notify", broker, s.handleEventNotify},
		{"POST", "/events/:id/meetings/:meeting/outcome", broker, s.handleEventOutcome},
		{"GET", "/events/:id/agenda/:party", queueing, s.handleEventAgenda},
		{"GET", "/events/:id/tables/:table", broker, s.handleEventTable},
		{"GET", "/api/v1/events", public, s.apiEventList},
		{"GET", "/api/v1/events/:id/timetable", broker, s.apiEventTimetable},
		{"POST", "/api/v1/events/:id/meetings/:meeting/outcome", broker, s.apiEventOutcome},
		// 科技特派员: the envoy's visits and drafts, the enterprise's
		// confirmation, the brokers' assignments (internal/envoys)
		{"GET", "/envoy", envoy, s.handleEnvoyHome},
		{"POST", "/envoy/visits", envoy, s.handleVisitCreate},
		{"GET", "/envoy/visits/:id", envoyDesk, s.handleVisitShow},
		{"POST", "/envoy/visits/:id", envoy, s.handleVisitCorrect},
		{"GET", "/envoy/visits/:id/challenge", envoy, s.handleEnvoyChallengeNew},
		{"POST", "/envoy/visits/:id/challenge", envoy, s.handleEnvoyChallengeCreate},
		{"GET", "/my/envoy-drafts", enterprise, s.handleEnvoyDrafts},
		{"POST", "/my/envoy-drafts/:id/confirm", enterprise, s.handleEnvoyDraftConfirm},
		{"POST", "/my/envoy-drafts/:id/return", enterprise, s.handleEnvoyDraftReturn},
		{"GET", "/broker/envoys", broker, s.handleEnvoyList},
		{"POST", "/broker/envoys/assignments", broker, s.handleEnvoyAssign},
		{"POST", "/broker/envoys/assignments/:id/end", broker, s.handleEnvoyUnassign},
		// 揭榜挂帅 calls and the expert pool
		{"GET", "/calls", public, s.handleCallList},
		{"GET", "/calls/new", broker, s.handleCallNew},
		{"POST", "/calls/new", broker, s.handleCallCreate},
		{"GET", "/calls/:id", public, s.handleCallShow},
		{"POST", "/calls/:id/proposals", institute, s.handleProposalSubmit},
		{"GET", "/calls/:id/proposals/:pid", proposalReaders, s.handleProposalShow},
		{"POST", "/calls/:id/proposals/:pid/attachments", institute, s.handleAttachmentUpload},
		{"GET", "/calls/:id/proposals/:pid/attachments/:aid", proposalReaders, s.handleAttachmentDownload},
		{"POST", "/calls/:id/proposals/:pid/attachments/:aid/delete", institute, s.handleAttachmentDelete},
		{"POST", "/calls/:id/proposals/:pid/review", expertOnly, s.handleProposalScore},
		{"POST", "/calls/:id/deadline", broker, s.handleCallDeadline},
		{"POST", "/calls/:id/withdraw", broker, s.handleCallWithdraw},
		{"POST", "/calls/:id/draw", broker, s.handleCallDraw},
		{"GET", "/calls/:id/replay", drawCheckers, s.handleCallReplay},
		{"POST", "/calls/:id/recuse", recusers, s.handleCallRecuse},
		{"GET", "/calls/:id/results.xlsx", broker, s.handleCallResults},
		{"POST", "/calls/:id/award", broker, s.handleCallAward},
		{"GET", "/experts/apply", public, s.handleExpertApplyForm},
		{"POST", "/experts/apply", public, s.handleExpertApply},
		{"GET", "/expert", expertOnly, s.handleExpertHome},
		{"GET", "/broker/experts", broker, s.handleExpertList},
		{"GET", "/broker/experts/:id", broker, s.handleExpertShow},
		{"POST", "/broker/experts/:id/admit", broker, s.handleExpertAdmit},
		{"POST", "/broker/experts/:id/return", broker, s.handleExpertReturn},
		{"POST", "/broker/experts/:id/remove", broker, s.handleExpertRemove},
		{"POST", "/broker/experts/:id/contact", broker, s.handleExpertContact},

		{"GET", "/api/v1/openapi.json", public, s.handleOpenAPI},
		{"POST", "/api/v1/tokens", public, s.apiTokenCreate},
		{"GET", "/api/v1/challenges", public, s.apiChallengeList},
		{"POST", "/api/v1/challenges", enterprise, s.apiChallengeCreate},
		{"GET", "/api/v1/challenges/:id", public, s.apiChallengeGet},
		{"PUT", "/api/v1/challenges/:id", enterprise, s.apiChallengeUpdate},
		{"POST", "/api/v1/challenges/:id/status", enterprise, s.apiChallengeStatus},
		{"GET", "/api/v1/challenges/:id/matches", public, s.apiChallengeMatches},
		{"POST", "/api/v1/challenges/:id/interests", institute, s.apiChallengeInterest},
		{"GET", "/api/v1/capabilities", public, s.apiCapabilityList},
		{"POST", "/api/v1/capabilities", institute, s.apiCapabilityCreate},
		{"GET", "/api/v1/capabilities/:id", public, s.apiCapabilityGet},
		{"PUT", "/api/v1/capabilities/:id", institute, s.apiCapabilityUpdate},
		{"POST", "/api/v1/capabilities/:id/status", institute, s.apiCapabilityStatus},
		{"GET", "/api/v1/capabilities/:id/matches", public, s.apiCapabilityMatches},
		{"POST", "/api/v1/capabilities/:id/interests", enterprise, s.apiCapabilityInterest},
		{"GET", "/api/v1/interests", queueing, s.apiInterestList},
		{"POST", "/api/v1/keywords", members, s.apiKeywords},
		{"GET", "/api/v1/introductions", queueing, s.apiIntroList},
		{"POST", "/api/v1/introductions", broker, s.apiIntroCreate},
		{"GET", "/api/v1/introductions/:id", queueing, s.apiIntroGet},
		{"POST", "/api/v1/introductions/:id/stage", broker, s.apiIntroStage},
		{"POST", "/api/v1/introductions/:id/answer", members, s.apiIntroAnswer},
		{"POST", "/api/v1/introductions/:id/notes", broker, s.apiIntroNote},
		{"POST", "/api/v1/introductions/:id/contract", broker, s.apiIntroContract},
		{"GET", "/api/v1/contracts", broker, s.apiContractList},
		{"POST", "/api/v1/contracts", broker, s.apiContractCreate},
		{"GET", "/api/v1/messages", signedIn, s.apiMessageList},
		{"POST", "/api/v1/messages/read", signedIn, s.apiMessageRead},
	}
}
