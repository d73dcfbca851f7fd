import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams, useSearchParams } from 'react-router-dom'
import type { Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { fetchPerson, type PersonMonth } from './api.ts'

function lastMonth(): string {
  const d = new Date()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() - 1)
  return d.toISOString().slice(0, 7)
}

function Person({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const [search, setSearch] = useSearchParams()
  const month = search.get('month') ?? lastMonth()
  const [person, setPerson] = useState<PersonMonth | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    setProblem(null)
    fetchPerson(tenant.code, id, month).then(setPerson, (err: unknown) => {
      setPerson(null)
      setProblem(problemText(err))
    })
  }, [tenant.code, id, month])
  const workdays = person?.days.filter((d) => d.isWorkday) ?? []
  const onTime = workdays.filter((d) => d.isOnTime).length
  return (
    <main className="patrol-findings" data-testid="person-page">
      <p>
        <Link to={`/t/${tenant.code}/asn`}>← {t('patrols.asn.title')}</Link>{' '}
        <input type="month" value={month} aria-label={t('patrols.asn.month')} onChange={(e) => e.target.value && setSearch({ month: e.target.value })} />
      </p>
      {problem && <p className="error">{problem}</p>}
      {person && (
        <>
          <section className="person-head">
            <h2 data-testid="person-name">{person.name}</h2>
            <p>
              NIP <code data-testid="person-nip">{person.nip}</code> · {person.agency}
              {person.position ? ` · ${person.position}` : ''}
            </p>
            <p data-testid="person-summary">
              {t('patrols.person.summary', {
                workdays: workdays.length,
                onTime,
                tk: workdays.filter((d) => d.isAbsent).length,
                late: workdays.reduce((s, d) => s + d.lateMinutes, 0),
                early: workdays.reduce((s, d) => s + d.earlyMinutes, 0),
              })}
            </p>
          </section>
          <table className="followups" data-testid="person-days">
            <thead>
              <tr>
                <th>{t('patrols.person.date')}</th>
                <th>{t('patrols.person.in')}</th>
                <th>{t('patrols.person.out')}</th>
                <th>{t('patrols.person.remark')}</th>
                <th>{t('patrols.person.codes')}</th>
                <th>TL / PSW ({t('patrols.asn.minutes')})</th>
              </tr>
            </thead>
            <tbody>
              {person.days.map((d) => (
                <tr key={d.date} className={d.isAbsent || d.codes.length > 0 ? 'overdue' : ''}>
                  <td>{d.date}</td>
                  <td>{d.checkIn ?? '–'}</td>
                  <td>{d.checkOut ?? '–'}</td>
                  <td>{d.remark ?? ''}</td>
                  <td>{d.isWorkday ? d.codes.join(' ') || '✓' : t('patrols.person.dayOff')}</td>
                  <td>
                    {d.lateMinutes} / {d.earlyMinutes}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>{t('patrols.person.activities')}</h3>
          <table className="followups" data-testid="person-activities">
            <tbody>
              {person.activities.map((a) => (
                <tr key={`${a.day}-${a.starts}`}>
                  <td>{a.day}</td>
                  <td>
                    {a.starts}–{a.ends}
                  </td>
                  <td>{a.activity}</td>
                  <td>{a.output ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  )
}

/** One employee's month: each day's attendance with its TL/PSW/TK codes, and their activities (NIP masked per role). */
export function PersonPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('patrols.person.title')}>{({ tenant }) => <Person tenant={tenant} />}</StaffFrame>
}
