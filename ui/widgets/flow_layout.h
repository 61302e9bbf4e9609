// A layout that puts its items side by side and starts a new line where the width runs out:
// a row of buttons that stays one row where it fits and becomes two (or more) in a narrow
// column or a larger font (presentation mode), instead of widening the column or cutting the
// buttons' text. Each item gets at least its preferred width (a button: what its text needs)
// unless a line is narrower than that; what a line has to spare goes in equal parts to its
// items that may grow, up to their maximum width (or, asked for, every item of a line gets the
// same width). Items of a line are centred vertically. The layout's height follows its width
// (heightForWidth), so the widget around it grows by the lines it needs.
#pragma once

#include <QLayout>
#include <QList>

namespace ddpm::ui {

class FlowLayout : public QLayout {
    Q_OBJECT
public:
    explicit FlowLayout(QWidget* parent = nullptr);
    ~FlowLayout() override;

    /// Adds a layout as one item (e.g. a label with its field, kept on one line).
    void addLayout(QLayout* layout);
    /// The items of a line share its width equally where each gets its preferred width that
    /// way (buttons in columns, as a grid would place them). Off by default.
    void setUniformWidths(bool uniform);

    void addItem(QLayoutItem* item) override;
    int count() const override;
    QLayoutItem* itemAt(int index) const override;
    QLayoutItem* takeAt(int index) override;

    Qt::Orientations expandingDirections() const override;
    bool hasHeightForWidth() const override;
    int heightForWidth(int width) const override;
    /// Every item on one line at its size hint.
    QSize sizeHint() const override;
    /// One item a line: the widest item's least width.
    QSize minimumSize() const override;
    void setGeometry(const QRect& rect) override;

private:
    /// Lays the items out in rect (only measures when apply is false); returns the height used.
    int arrange(const QRect& rect, bool apply) const;
    int horizontalSpacing() const;
    int verticalSpacing() const;
    int spacingAlong(Qt::Orientation orientation) const;

    QList<QLayoutItem*> m_items;
    bool m_uniform = false;
};

} // namespace ddpm::ui
