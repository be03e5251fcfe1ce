-- Regions become codes of the controlled list (duijie.Regions) instead of
-- free text, and a closed challenge keeps why it was closed.
--
-- Free-text regions are mapped with the rules of duijie.ParseRegion (a
-- test holds the two together): 六安's development zones, then its
-- districts and counties, then 合肥, 上海, 江苏, 浙江 and the rest of
-- Anhui by the places they name; any other text is 其他地区. Text that
-- names 六安 without a county stays as written: the portal still reads it
-- (its tier from the text) and asks for a region from the list at the
-- next edit.

CREATE TEMP TABLE region_rules (prio INTEGER NOT NULL, needle TEXT NOT NULL, also TEXT NOT NULL, code TEXT NOT NULL);
INSERT INTO region_rules (prio, needle, also, code) VALUES
	(1, '经济技术开发区', '六安', 'la-etdz'), (2, '经开区', '六安', 'la-etdz'), (3, '高新', '六安', 'la-hitech'),
	(10, '金安', '', 'la-jinan'), (11, '裕安', '', 'la-yuan'), (12, '叶集', '', 'la-yeji'), (13, '霍邱', '', 'la-huoqiu'),
	(14, '舒城', '', 'la-shucheng'), (15, '金寨', '', 'la-jinzhai'), (16, '霍山', '', 'la-huoshan'),
	(20, '六安', '', '='), -- which county? kept as written
	(30, '合肥', '', 'hefei'),
	(40, '上海', '', 'shanghai'),
	(50, '江苏', '', 'jiangsu'), (50, '南京', '', 'jiangsu'), (50, '苏州', '', 'jiangsu'), (50, '无锡', '', 'jiangsu'),
	(50, '常州', '', 'jiangsu'), (50, '南通', '', 'jiangsu'), (50, '扬州', '', 'jiangsu'), (50, '镇江', '', 'jiangsu'),
	(50, '泰州', '', 'jiangsu'), (50, '盐城', '', 'jiangsu'), (50, '徐州', '', 'jiangsu'), (50, '淮安', '', 'jiangsu'),
	(50, '连云港', '', 'jiangsu'), (50, '宿迁', '', 'jiangsu'),
	(60, '浙江', '', 'zhejiang'), (60, '杭州', '', 'zhejiang'), (60, '宁波', '', 'zhejiang'), (60, '温州', '', 'zhejiang'),
	(60, '嘉兴', '', 'zhejiang'), (60, '湖州', '', 'zhejiang'), (60, '绍兴', '', 'zhejiang'), (60, '金华', '', 'zhejiang'),
	(60, '台州', '', 'zhejiang'), (60, '衢州', '', 'zhejiang'), (60, '舟山', '', 'zhejiang'), (60, '丽水', '', 'zhejiang'),
	(70, '安徽', '', 'anhui'), (70, '芜湖', '', 'anhui'), (70, '马鞍山', '', 'anhui'), (70, '淮南', '', 'anhui'),
	(70, '蚌埠', '', 'anhui'), (70, '安庆', '', 'anhui'), (70, '滁州', '', 'anhui'), (70, '铜陵', '', 'anhui'),
	(70, '宣城', '', 'anhui'), (70, '池州', '', 'anhui'), (70, '阜阳', '', 'anhui'), (70, '亳州', '', 'anhui'),
	(70, '宿州', '', 'anhui'), (70, '淮北', '', 'anhui'), (70, '黄山', '', 'anhui'),
	(99, '', '', 'other');

CREATE TEMP TABLE region_codes (code TEXT PRIMARY KEY);
INSERT INTO region_codes (code) VALUES ('la-jinan'), ('la-yuan'), ('la-yeji'), ('la-huoqiu'), ('la-shucheng'),
	('la-jinzhai'), ('la-huoshan'), ('la-etdz'), ('la-hitech'), ('hefei'), ('anhui'), ('shanghai'), ('jiangsu'),
	('zhejiang'), ('other');

UPDATE organizations SET region = (
	SELECT CASE r.code WHEN '=' THEN organizations.region ELSE r.code END FROM region_rules r
	WHERE instr(organizations.region, r.needle) > 0 AND instr(organizations.region, r.also) > 0
	ORDER BY r.prio LIMIT 1)
WHERE trim(region) <> '' AND trim(region) NOT IN (SELECT code FROM region_codes);
UPDATE organizations SET region = trim(region) WHERE trim(region) IN (SELECT code FROM region_codes);

UPDATE capabilities SET region = (
	SELECT CASE r.code WHEN '=' THEN capabilities.region ELSE r.code END FROM region_rules r
	WHERE instr(capabilities.region, r.needle) > 0 AND instr(capabilities.region, r.also) > 0
	ORDER BY r.prio LIMIT 1)
WHERE trim(region) <> '' AND trim(region) NOT IN (SELECT code FROM region_codes);
UPDATE capabilities SET region = trim(region) WHERE trim(region) IN (SELECT code FROM region_codes);

DROP TABLE region_rules;
DROP TABLE region_codes;

-- Why the owner closed a challenge (duijie.CloseReason) and a note; empty
-- unless the challenge is closed.
ALTER TABLE challenges ADD COLUMN close_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE challenges ADD COLUMN close_note TEXT NOT NULL DEFAULT '';

-- Every posting's searchable region changed: index them all again.
INSERT INTO outbox (doc_type, doc_id, created_at)
	SELECT 'challenge', id, strftime('%Y-%m-%dT%H:%M:%f000000Z', 'now') FROM challenges ORDER BY id;
INSERT INTO outbox (doc_type, doc_id, created_at)
	SELECT 'capability', id, strftime('%Y-%m-%dT%H:%M:%f000000Z', 'now') FROM capabilities ORDER BY id;
