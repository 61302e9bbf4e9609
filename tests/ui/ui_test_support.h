// Shared set-up for the GUI tests: settings kept apart from the user's, closing the message
// boxes a page opened (pages open them with open(), never exec()), and how long to wait for
// a worker.
#pragma once

#include <QCoreApplication>
#include <QEvent>
#include <QMessageBox>
#include <QSettings>
#include <QStandardPaths>
#include <QString>
#include <QWidget>

namespace ddpm::test {

/// How long a GUI test waits for a worker's result, in ms: generous for a loaded CI machine,
/// not a timing assertion.
constexpr int kWait = 120000;

/// Call from initTestCase(): QSettings() and QStandardPaths then point at test locations
/// under this application name, and start empty.
inline void isolateSettings(const QString& applicationName)
{
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("DDPM Studio Tests"));
    QCoreApplication::setApplicationName(applicationName);
    QSettings().clear();
    QSettings().sync();
}

/// Closes every message box under `parent` and deletes them; returns how many there were.
inline int closeMessageBoxes(QWidget* parent)
{
    const auto boxes = parent->findChildren<QMessageBox*>();
    for (QMessageBox* box : boxes)
        box->done(QMessageBox::Ok);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return static_cast<int>(boxes.size());
}

} // namespace ddpm::test
