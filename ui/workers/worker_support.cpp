#include "workers/worker_support.h"

#include <QCoreApplication>

#include "ddpm/error.h"
#include "ddpm/runtime.h"
#include "ddpm/thread_budget.h"

namespace ddpm::ui {

namespace {

QString sentence(QString text)
{
    text = text.section(QLatin1Char('\n'), 0, 0).trimmed();
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    if (!text.isEmpty() && !text.endsWith(QLatin1Char('.')) && !text.endsWith(QLatin1Char('?')))
        text += QLatin1Char('.');
    return text;
}

} // namespace

QString currentErrorText(const QString& context)
{
    QString what;
    try {
        throw;
    } catch (const ddpm::Error& e) {
        what = sentence(QString::fromStdString(e.what()));
    } catch (const std::exception& e) {
        what = sentence(QString::fromStdString(e.what()));
    } catch (...) {
        what = QCoreApplication::translate("ddpm::ui", "An unknown error happened.");
    }
    return context.isEmpty() ? what : context + QStringLiteral(". ") + what;
}

std::shared_ptr<ddpm::ThreadBudget> threadBudgetOrOwn(std::shared_ptr<ddpm::ThreadBudget> given)
{
    return given ? std::move(given) : std::make_shared<ddpm::ThreadBudget>(ddpm::threadCount());
}

} // namespace ddpm::ui
