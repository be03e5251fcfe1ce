package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"duijie/internal/duijie"
)

func (s *Server) handleContractList(c *fiber.Ctx) error {
	const size = 50
	offset := offsetOf(c)
	list, total, amount, err := s.wf.Contracts(c.UserContext(), actor(c), offset, size)
	if err != nil {
		return err
	}
	p := &ContractsPage{Page: s.page(c, "技术合同"), Contracts: list, Total: total, Amount: amount}
	p.Nav = "contracts"
	p.Prev, p.Next = pageLinks("/broker/contracts", offset, size, total)
	return s.render(c, "contracts", p)
}

func (s *Server) handleContractNew(c *fiber.Ctx) error {
	return s.contractForm(c, map[string]string{"challenge": c.Query("challenge"), "capability": c.Query("capability")}, nil)
}

func (s *Server) contractForm(c *fiber.Ctx, form, errs map[string]string) error {
	p := &ContractFormPage{Page: s.page(c, "记录技术合同"), Form: form, Errors: errs,
		Today: time.Now().In(duijie.ChinaTime).Format(duijie.DateLayout)}
	p.Nav = "contracts"
	for _, t := range duijie.ContractTypes {
		p.Types = append(p.Types, Option{string(t), t.Label()})
	}
	return s.render(c, "contract_form", p)
}

// handleContractCreate records a contract on its own, linked to a
// challenge or a capability.
func (s *Server) handleContractCreate(c *fiber.Ctx) error {
	form := introForm(c, contractFields...)
	ct, errs := readContract(form)
	var err error
	if len(errs) == 0 {
		err = s.wf.RecordContract(c.UserContext(), actor(c), ct)
	}
	all, err := merge(errs, err)
	if de, ok := err.(*duijie.Error); ok && de.Code == duijie.ECONFLICT {
		all, err = map[string]string{"_": de.Message}, nil
		for k, v := range de.Fields {
			all[k] = v
		}
	}
	if err != nil {
		return err
	}
	if len(all) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.contractForm(c, form, all)
	}
	return c.Redirect("/broker/contracts?ok=contract", fiber.StatusSeeOther)
}

// handleContractRegister records a contract's registration number and
// date.
func (s *Server) handleContractRegister(c *fiber.Ctx) error {
	id := c.Params("id")
	errs := fieldErrs{}
	registered := dateField(errs, "registered", "登记日期", c.FormValue("registered"))
	if registered.IsZero() && len(errs) == 0 {
		errs["registered"] = "请填写登记日期"
	}
	ct, err := s.wf.Contract(c.UserContext(), actor(c), id)
	if err != nil {
		return err
	}
	if len(errs) == 0 {
		err = s.wf.RegisterContract(c.UserContext(), actor(c), id, c.FormValue("reg_no"), registered)
	}
	back := "/broker/contracts"
	if ct.IntroID != "" {
		back = "/introductions/" + ct.IntroID
	}
	if ct.IntroID != "" {
		all, err := merge(errs, err)
		if err != nil {
			return s.introDone(c, ct.IntroID, err, nil, "")
		}
		if len(all) > 0 {
			c.Status(fiber.StatusUnprocessableEntity)
			return s.showIntro(c, ct.IntroID, map[string]string{"reg_no": c.FormValue("reg_no"), "registered": c.FormValue("registered")}, all)
		}
	} else {
		all, err := merge(errs, err)
		if err != nil {
			return err
		}
		if len(all) > 0 {
			return fieldMessage(&duijie.Error{Code: duijie.EINVALID, Fields: all})
		}
	}
	return c.Redirect(back+"?ok=registered_contract", fiber.StatusSeeOther)
}
